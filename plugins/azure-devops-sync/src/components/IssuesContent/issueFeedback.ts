import type {
  Issue,
  IssueStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

const DONE: Record<IssueStatus, string> = {
  resolved: 'Issue resolved',
  unresolved: 'Issue unresolved',
  ignored: 'Issue ignored',
};

function workItems(n: number): string {
  return n === 1 ? '1 linked work item' : `${n} linked work items`;
}

/**
 * What a status change did. A resolve or unresolve goes on to the linked
 * work items through the outbox; say so, so the user looks at their sync
 * state instead of assuming Azure DevOps already has it.
 */
export function statusChangedMessage(
  status: IssueStatus,
  issue: Issue,
): string {
  const followers = issue.links.filter(l => !l.broken).length;
  if (status === 'ignored' || followers === 0) return DONE[status];
  return `${DONE[status]}; sending it to ${workItems(
    followers,
  )} (see each one's sync state)`;
}

/** What an assignment did. */
export function assignedMessage(assignee: string | null): string {
  return assignee ? `Issue assigned to ${assignee}` : 'Issue unassigned';
}

/** The work item a link or create added: the one `after` has and `before` lacked. */
export function addedWorkItemId(
  before: Issue,
  after: Issue,
): number | undefined {
  const had = new Set(
    before.links.map(l => `${l.organizationId}/${l.workItemId}`),
  );
  return after.links.find(l => !had.has(`${l.organizationId}/${l.workItemId}`))
    ?.workItemId;
}

/**
 * A fingerprint of what the drawer shows of an issue: when it changes (an
 * action, a signal, a poll), the activity is reloaded too.
 */
export function issueFingerprint(issue: Issue): string {
  return JSON.stringify([
    issue.status,
    issue.assignee,
    issue.links.map(l => [
      l.organizationId,
      l.workItemId,
      l.state,
      l.broken ?? false,
      l.sync?.status,
      l.sync?.updatedAt,
    ]),
  ]);
}
