import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { StoredIssueLink } from '../database/IssueStore';
import type { OutboxJobInput } from '../database/OutboxStore';

/**
 * Outbox jobs for a change made on the Backstage side, one per linked work item. Whether a job
 * actually writes to ADO (the org's sync switches and project mapping) is decided when it runs,
 * so a setting changed in between is honoured.
 */
export function outboundJobsForChange(
  links: StoredIssueLink[],
  change: { statusChanged: boolean; assigneeChanged: boolean; issue: Issue },
): OutboxJobInput[] {
  const jobs: OutboxJobInput[] = [];
  const { issue } = change;
  for (const link of links) {
    const base = {
      organizationId: link.organizationId,
      workItemId: link.workItemId,
      issueId: issue.id,
    };
    // Ignored issues are not synced, as in the reference.
    if (change.statusChanged && issue.status !== 'ignored') {
      jobs.push({ ...base, payload: { kind: 'status', status: issue.status } });
    }
    if (change.assigneeChanged) {
      jobs.push({
        ...base,
        payload: { kind: 'assignee', userEntityRef: issue.assignee },
      });
    }
  }
  return jobs;
}

/** Outbox jobs for a comment added in Backstage. */
export function outboundJobsForComment(
  links: StoredIssueLink[],
  issueId: string,
  text: string,
  authorName: string,
): OutboxJobInput[] {
  return links.map(link => ({
    organizationId: link.organizationId,
    workItemId: link.workItemId,
    issueId,
    payload: { kind: 'comment', text, authorName },
  }));
}
