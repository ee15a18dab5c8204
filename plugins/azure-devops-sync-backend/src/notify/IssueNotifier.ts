import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { IssueStore } from '../database/IssueStore';
import { OutboxJob } from '../database/OutboxStore';
import { NotificationSettings } from './NotificationSettings';

/** The frontend's issues tab on an entity page (plugins/azure-devops-sync alpha.tsx). */
const ISSUES_TAB = 'azure-devops-issues';
const TOPIC = 'Azure DevOps sync';

const JOB_LABELS: Record<OutboxJob['payload']['kind'], string> = {
  status: 'status change',
  assignee: 'assignment',
  comment: 'comment',
};

/** An app-relative link to the issue on its entity's issues tab. */
export function issuePageLink(issue: Pick<Issue, 'id' | 'entityRef'>): string {
  const { kind, namespace, name } = parseEntityRef(issue.entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLowerCase(),
  )}/${encodeURIComponent(name)}/${ISSUES_TAB}?issue=${encodeURIComponent(
    issue.id,
  )}`;
}

/**
 * Backstage notifications for what an engineer must act on: an outbound change that failed for
 * good (to the owners of the issue's entity: an `entity` recipient that is not a user resolves
 * to its owners), and a linked work item resolved or reassigned in ADO (to the issue's
 * assignee). Each switch of `azureDevOpsSync.notifications` is read once at start-up.
 */
export class IssueNotifier {
  private warnedSendFailure = false;

  constructor(
    private readonly deps: {
      notifications: NotificationService;
      settings: NotificationSettings;
      issues: Pick<IssueStore, 'get'>;
      logger: LoggerService;
    },
  ) {}

  /** An outbound job gave up (no more retries). */
  async outboundFailed(job: OutboxJob, error: string): Promise<void> {
    if (!this.deps.settings.onOutboundFailure || !job.issueId) return;
    const issue = await this.deps.issues.get(job.issueId);
    if (!issue) return;
    await this.send(issue.entityRef, {
      title: `Azure DevOps sync failed: ${issue.title}`,
      description: `The ${JOB_LABELS[job.payload.kind]} of issue ${
        issue.shortId
      } could not be written to work item #${
        job.workItemId
      }: ${error}. Open the issue to retry it.`,
      link: issuePageLink(issue),
      severity: 'high',
      topic: TOPIC,
      // One notification per issue and work item, updated by later failures.
      scope: `azure-devops-sync:outbound-failed:${issue.id}:${job.organizationId}:${job.workItemId}`,
    });
  }

  /**
   * Status and assignee changes an ADO delivery applied: a resolve, or a new assignee, is told
   * to the issue's assignee after the delivery (the new one on a reassignment). Reopening and
   * unassigning notify nobody.
   */
  async inboundChanged(
    changes: Array<{
      issue: Issue;
      statusChanged: boolean;
      assigneeChanged: boolean;
    }>,
    workItemId: number | null,
  ): Promise<void> {
    if (!this.deps.settings.onInboundChange) return;
    const item = workItemId ? `Work item #${workItemId}` : 'The work item';
    // One delivery may change status and assignee of an issue in turn: judge each issue once,
    // by its last state (the status change's snapshot predates the new assignee).
    const byIssue = new Map<
      string,
      { issue: Issue; resolved: boolean; reassigned: boolean }
    >();
    for (const change of changes) {
      const seen = byIssue.get(change.issue.id);
      byIssue.set(change.issue.id, {
        issue: change.issue,
        resolved:
          (seen?.resolved ?? false) ||
          (change.statusChanged && change.issue.status === 'resolved'),
        reassigned: (seen?.reassigned ?? false) || change.assigneeChanged,
      });
    }
    for (const { issue, resolved, reassigned } of byIssue.values()) {
      if (!issue.assignee) continue;
      const link = issuePageLink(issue);
      if (resolved && issue.status === 'resolved') {
        await this.send(issue.assignee, {
          title: `Resolved in Azure DevOps: ${issue.title}`,
          description: `${item} entered a done state, so issue ${issue.shortId} is now resolved.`,
          link,
          severity: 'normal',
          topic: TOPIC,
        });
      }
      if (reassigned) {
        await this.send(issue.assignee, {
          title: `Assigned to you in Azure DevOps: ${issue.title}`,
          description: `${item} was assigned to you in Azure DevOps, and issue ${issue.shortId} with it.`,
          link,
          severity: 'normal',
          topic: TOPIC,
        });
      }
    }
  }

  private async send(
    entityRef: string,
    payload: NotificationPayload,
  ): Promise<void> {
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef },
        payload,
      });
    } catch (error) {
      // Most likely the notifications backend is not installed: say so once, not per change.
      const message = `Notification "${payload.title}" not sent: ${error}`;
      if (this.warnedSendFailure) {
        this.deps.logger.debug(message);
        return;
      }
      this.warnedSendFailure = true;
      this.deps.logger.warn(
        `${message}. Is @backstage/plugin-notifications-backend installed? Set azureDevOpsSync.notifications.enabled: false to stop sending.`,
      );
    }
  }
}
