import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import { ISSUE_CHANGED_SIGNAL_CHANNEL } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { JsonObject } from '@backstage/types';
import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import { fakeSignalsAndNotifications } from '../__testUtils__/fakeSignalsAndNotifications';
import {
  createSyncHarness,
  eventually,
  user,
} from '../__testUtils__/syncHarness';

jest.setTimeout(90_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';

/**
 * What engineers see of changes they did not make, end to end against the emulator: deleted and
 * restored work items, live-update signals, and notifications.
 */
describe.each(databases.eachSupportedId())(
  'issue changes from ADO and the outbox (%s)',
  databaseId => {
    let emulator: Emulator;
    let running: RunningEmulator;

    beforeEach(async () => {
      emulator = createEmulator({ deliveryRetryDelaysMs: [50, 100, 200] });
      running = await emulator.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await running.close();
    });

    async function setup(config?: JsonObject) {
      const fakes = fakeSignalsAndNotifications();
      const knex = await databases.init(databaseId);
      const t = await createSyncHarness(emulator, running, knex, {
        config,
        features: fakes.features,
      });
      const admin = (path: string, init: RequestInit = {}) =>
        fetch(
          `${running.url}/_admin/fabrikam/workitems/${t.workItemId}${path}`,
          {
            headers: { 'Content-Type': 'application/json' },
            ...init,
          },
        ).then(async res => {
          expect(res.status).toBe(200);
          await emulator.whenDeliveriesIdle();
        });
      const signalsFor = (issueId: string) =>
        fakes.signals.filter(
          s => (s.message as { issueId?: string }).issueId === issueId,
        );
      return { ...t, ...fakes, admin, signalsFor };
    }

    it('marks the link broken when the work item is deleted in ADO, and heals it on restore', async () => {
      const t = await setup();
      await t.admin('', { method: 'DELETE' });
      const broken = await eventually('the link marked broken', async () => {
        const issue = await t.issue();
        return issue.links[0]?.broken ? issue : undefined;
      });
      expect(broken.links).toHaveLength(1);
      const activity = await t.activity();
      expect(activity.find(a => a.type === 'unlinked')).toMatchObject({
        source: { kind: 'azure-devops', workItemId: t.workItemId },
        data: { reason: 'deleted in Azure DevOps' },
      });
      // A broken link sends nothing to ADO.
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);

      await t.admin('/restore', { method: 'POST', body: '{}' });
      const healed = await eventually('the link healed', async () => {
        const issue = await t.issue();
        return issue.links[0] && !issue.links[0].broken ? issue : undefined;
      });
      expect(healed.links[0]).toMatchObject({ workItemId: t.workItemId });
      const deliveries = await t.deliveries();
      expect(
        deliveries
          .filter(d =>
            ['workitem.deleted', 'workitem.restored'].includes(d.eventType),
          )
          .map(d => [d.eventType, d.status]),
      ).toEqual(
        expect.arrayContaining([
          ['workitem.deleted', 'applied'],
          ['workitem.restored', 'applied'],
        ]),
      );
      // The deleted item was never written to while broken.
      expect(t.workItem().fields['System.State']).not.toBe('Done');
    });

    it('records a comment made in ADO once, though updated and commented both carry it', async () => {
      const t = await setup();
      await t.editInAdo({ 'System.History': 'Seen in prod too' });
      await eventually('both deliveries applied', async () => {
        const d = await t.deliveries();
        return (
          d.filter(
            x =>
              ['workitem.updated', 'workitem.commented'].includes(
                x.eventType,
              ) && x.status !== 'pending',
          ).length >= 2 || undefined
        );
      });
      const comments = (await t.activity()).filter(
        a => a.type === 'comment' && a.source.kind === 'azure-devops',
      );
      expect(comments).toHaveLength(1);
      expect(comments[0].data).toMatchObject({
        text: 'Seen in prod too',
        author: 'carol@example.com',
      });
    });

    it('signals an applied ADO change and each outbound run, on the issue-changed channel', async () => {
      const t = await setup();
      await t.editInAdo({ 'System.Title': 'Renamed in ADO' });
      await eventually('a signal for the inbound change', async () =>
        t.signalsFor(t.issueId).length > 0 ? true : undefined,
      );
      expect(t.signalsFor(t.issueId)[0]).toEqual({
        recipients: { type: 'broadcast' },
        channel: ISSUE_CHANGED_SIGNAL_CHANNEL,
        message: { issueId: t.issueId, entityRef: ENTITY },
      });
      expect(ISSUE_CHANGED_SIGNAL_CHANNEL).toBe(
        'azure-devops-sync:issue-changed',
      );

      const before = t.signalsFor(t.issueId).length;
      await t.api
        .post(`/api/azure-devops-sync/issues/${t.issueId}/comments`)
        .set('Authorization', user)
        .send({ text: 'On it' })
        .expect(201);
      await eventually('a signal for the outbound job', async () =>
        t.signalsFor(t.issueId).length > before ? true : undefined,
      );
      expect(t.workItem().comments.some((c: any) => /On it/.test(c.text))).toBe(
        true,
      );
      expect(
        t.signals.every(s => s.channel === ISSUE_CHANGED_SIGNAL_CHANNEL),
      ).toBe(true);
    });

    it('notifies the entity owners when an outbound change fails for good, and the assignee of an ADO resolve or reassignment', async () => {
      const t = await setup();
      // ADO refuses every call to the work item: a 4xx is not retried.
      await fetch(`${running.url}/_admin/knobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          fail: {
            status: 400,
            count: 100,
            pathContains: `/workitems/${t.workItemId}`,
          },
        }),
      });
      await t.api
        .post(`/api/azure-devops-sync/issues/${t.issueId}/comments`)
        .set('Authorization', user)
        .send({ text: 'Will not arrive' })
        .expect(201);
      const failed = await eventually('the failure notification', async () =>
        t.notifications.find(n => n.payload.severity === 'high'),
      );
      expect(failed.recipients).toEqual({ type: 'entity', entityRef: ENTITY });
      expect(failed.payload).toMatchObject({
        title: expect.stringContaining('Azure DevOps sync failed'),
        description: expect.stringContaining(`work item #${t.workItemId}`),
        link: `/catalog/default/component/payments-api/azure-devops-issues?issue=${t.issueId}`,
        topic: 'Azure DevOps sync',
      });
      // The failed run is signalled too.
      expect(t.signalsFor(t.issueId).length).toBeGreaterThan(0);
      await fetch(`${running.url}/_admin/knobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fail: null }),
      });

      await t.editInAdo({
        'System.State': 'Done',
        'System.AssignedTo': 'bob@example.com',
      });
      const toBob = await eventually('the inbound notifications', async () => {
        const sent = t.notifications.filter(
          n =>
            n.recipients.type === 'entity' &&
            n.recipients.entityRef === 'user:default/bob',
        );
        return sent.length >= 2 ? sent : undefined;
      });
      expect(toBob.map(n => n.payload.title).sort()).toEqual([
        expect.stringMatching(/^Assigned to you in Azure DevOps/),
        expect.stringMatching(/^Resolved in Azure DevOps/),
      ]);
      expect(toBob[0].payload.link).toContain(`?issue=${t.issueId}`);
    });

    it('sends no notification when azureDevOpsSync.notifications is off', async () => {
      const t = await setup({ notifications: { enabled: false } });
      await t.editInAdo({
        'System.State': 'Done',
        'System.AssignedTo': 'bob@example.com',
      });
      await eventually('the inbound change', async () => {
        const issue = await t.issue();
        return issue.status === 'resolved' && issue.assignee
          ? issue
          : undefined;
      });
      await fetch(`${running.url}/_admin/knobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          fail: { status: 400, count: 100, pathContains: '/workitems/' },
        }),
      });
      await t.api
        .post(`/api/azure-devops-sync/issues/${t.issueId}/comments`)
        .set('Authorization', user)
        .send({ text: 'Will not arrive' })
        .expect(201);
      await eventually('the job to fail', async () => {
        const jobs = await t.api
          .get(
            `/api/azure-devops-sync/organizations/${t.organizationId}/jobs?status=failed`,
          )
          .set('Authorization', user);
        return jobs.body.items?.length > 0 || undefined;
      });
      expect(t.notifications).toEqual([]);
      // Signals do not depend on the notification switches.
      expect(t.signalsFor(t.issueId).length).toBeGreaterThan(0);
    });
  },
);
