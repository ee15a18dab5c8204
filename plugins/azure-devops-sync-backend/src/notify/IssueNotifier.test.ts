import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { OutboxJob } from '../database/OutboxStore';
import { IssueNotifier, issuePageLink } from './IssueNotifier';
import { readNotificationSettings } from './NotificationSettings';

const issue = (overrides: Partial<Issue> = {}): Issue => ({
  id: 'issue-1',
  shortId: 'PAY-1',
  entityRef: 'component:default/payments-api',
  title: 'TypeError: amount is undefined',
  culprit: 'charge in capture',
  level: 'error',
  status: 'unresolved',
  assignee: 'user:default/alice',
  timesSeen: 1,
  firstSeen: '2026-12-03T00:00:00Z',
  lastSeen: '2026-12-03T00:00:00Z',
  links: [],
  ...overrides,
});

const job: OutboxJob = {
  id: 'job-1',
  organizationId: 'org-1',
  workItemId: 42,
  issueId: 'issue-1',
  payload: { kind: 'status', status: 'resolved' },
  status: 'failed',
  attempts: 1,
  lastError: 'HTTP 400',
  outcome: null,
  createdAt: '2026-12-03T00:00:00Z',
  finishedAt: null,
};

function notifier(config: object = {}, send?: () => Promise<void>) {
  const sent: NotificationSendOptions[] = [];
  const logger = mockServices.logger.mock();
  const subject = new IssueNotifier({
    notifications: {
      send:
        send ??
        (async options => {
          sent.push(options);
        }),
    },
    settings: readNotificationSettings(
      new ConfigReader({ azureDevOpsSync: { notifications: config } }),
    ),
    issues: { get: async id => (id === 'issue-1' ? issue() : undefined) },
    logger,
  });
  return { subject, sent, logger };
}

describe('readNotificationSettings', () => {
  it.each([
    [undefined, true, true],
    [{}, true, true],
    [{ enabled: false }, false, false],
    [{ enabled: false, onOutboundFailure: true }, false, false],
    [{ onOutboundFailure: false }, false, true],
    [{ onInboundChange: false }, true, false],
  ])('%j → outbound %s, inbound %s', (notifications, outbound, inbound) => {
    expect(
      readNotificationSettings(
        new ConfigReader({ azureDevOpsSync: { notifications } }),
      ),
    ).toEqual({ onOutboundFailure: outbound, onInboundChange: inbound });
  });
});

describe('IssueNotifier', () => {
  it('tells the owners of the entity (an entity recipient) about a final outbound failure, linking the issue', async () => {
    const { subject, sent } = notifier();
    await subject.outboundFailed(job, 'HTTP 400: TF401320 rule error');
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: 'component:default/payments-api',
        },
        payload: expect.objectContaining({
          title: 'Azure DevOps sync failed: TypeError: amount is undefined',
          description: expect.stringContaining(
            'The status change of issue PAY-1 could not be written to work item #42: HTTP 400: TF401320 rule error',
          ),
          link: '/catalog/default/component/payments-api/azure-devops-issues?issue=issue-1',
          severity: 'high',
          scope: 'azure-devops-sync:outbound-failed:issue-1:org-1:42',
        }),
      },
    ]);
    // A job without an issue, or of an issue since deleted, notifies nobody.
    await subject.outboundFailed({ ...job, issueId: null }, 'x');
    await subject.outboundFailed({ ...job, issueId: 'gone' }, 'x');
    expect(sent).toHaveLength(1);
  });

  it('tells the assignee about a resolve and a reassignment in ADO, judged by the issue after both', async () => {
    const { subject, sent } = notifier();
    const resolved = issue({ status: 'resolved', assignee: null });
    const assigned = issue({
      status: 'resolved',
      assignee: 'user:default/bob',
    });
    await subject.inboundChanged(
      [
        { issue: resolved, statusChanged: true, assigneeChanged: false },
        { issue: assigned, statusChanged: false, assigneeChanged: true },
      ],
      42,
    );
    expect(sent.map(s => [s.recipients, s.payload.title])).toEqual([
      [
        { type: 'entity', entityRef: 'user:default/bob' },
        'Resolved in Azure DevOps: TypeError: amount is undefined',
      ],
      [
        { type: 'entity', entityRef: 'user:default/bob' },
        'Assigned to you in Azure DevOps: TypeError: amount is undefined',
      ],
    ]);
  });

  it('notifies nobody of a reopen, an unassignment, or an issue without assignee', async () => {
    const { subject, sent } = notifier();
    await subject.inboundChanged(
      [
        { issue: issue(), statusChanged: true, assigneeChanged: false },
        {
          issue: issue({ id: 'issue-2', assignee: null }),
          statusChanged: false,
          assigneeChanged: true,
        },
        {
          issue: issue({ id: 'issue-3', status: 'resolved', assignee: null }),
          statusChanged: true,
          assigneeChanged: false,
        },
      ],
      42,
    );
    expect(sent).toEqual([]);
  });

  it('sends nothing a switch turned off', async () => {
    const inboundOnly = notifier({ onOutboundFailure: false });
    await inboundOnly.subject.outboundFailed(job, 'x');
    expect(inboundOnly.sent).toEqual([]);
    const outboundOnly = notifier({ onInboundChange: false });
    await outboundOnly.subject.inboundChanged(
      [
        {
          issue: issue({ status: 'resolved' }),
          statusChanged: true,
          assigneeChanged: true,
        },
      ],
      42,
    );
    expect(outboundOnly.sent).toEqual([]);
    await outboundOnly.subject.outboundFailed(job, 'x');
    expect(outboundOnly.sent).toHaveLength(1);
  });

  it('warns once when sending fails (no notifications backend), and never throws', async () => {
    const { subject, logger } = notifier({}, async () => {
      throw new Error('Request failed with status 404');
    });
    await subject.outboundFailed(job, 'x');
    await subject.outboundFailed(job, 'y');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('notifications.enabled: false'),
    );
  });

  it('links to the issue on its entity page, escaping the ref', () => {
    expect(
      issuePageLink({ id: 'a b', entityRef: 'Component:team-x/my api' }),
    ).toBe(
      '/catalog/team-x/component/my%20api/azure-devops-issues?issue=a%20b',
    );
  });
});
