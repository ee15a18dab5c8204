import type { LinkSyncState } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { OutboxJobPayload, OutboxJobStatus } from './OutboxStore';

/** An outbound job of one issue's link, as far as its sync state needs it. */
export interface LinkJobRecord {
  id: string;
  payload: OutboxJobPayload;
  status: OutboxJobStatus;
  lastError: string | null;
  outcome: string | null;
  createdAt: string;
  nextAttemptAt: string;
  claimedAt: string | null;
  finishedAt: string | null;
}

/**
 * Skips that mean ADO already has what the issue says (or a later change took over): the
 * engineer has nothing to act on, so they read as synced. Only a rule that kept the change out
 * of ADO (no mapping, sync off) is shown as skipped.
 */
const NOTHING_NEEDED = /^(Already|Superseded)\b/;

const isOpen = (job: LinkJobRecord) =>
  job.status === 'pending' || job.status === 'running';

/**
 * The sync state of a link from its outbound jobs (any subset holding its first open job and
 * its last job, in queue order). An open job wins: later jobs of the work item wait for it. Jobs
 * older than the link belong to an earlier link to the same work item (unlinked since).
 * Also returns the job the state comes from, which a retry queues again.
 */
export function linkSyncState(
  linkedAt: string,
  jobs: LinkJobRecord[],
): { sync: LinkSyncState; job?: LinkJobRecord } {
  const since = Date.parse(linkedAt);
  const ours = jobs.filter(j => Date.parse(j.createdAt) >= since);
  const job = ours.find(isOpen) ?? ours[ours.length - 1];
  if (!job) return { sync: { status: 'synced', updatedAt: linkedAt } };
  return { sync: stateOfJob(job), job };
}

function stateOfJob(job: LinkJobRecord): LinkSyncState {
  switch (job.status) {
    case 'pending':
      // Never tried (or put back by hand): the time it was queued for. Else: the last try.
      if (!job.lastError) {
        return { status: 'pending', updatedAt: job.nextAttemptAt };
      }
      return {
        status: 'pending',
        reason: `${job.lastError}; next try at ${job.nextAttemptAt}`,
        updatedAt: job.claimedAt ?? job.createdAt,
      };
    case 'running':
      return {
        status: 'pending',
        ...(job.lastError
          ? { reason: `${job.lastError}; trying again now` }
          : {}),
        updatedAt: job.claimedAt ?? job.createdAt,
      };
    case 'failed':
      return {
        status: 'failed',
        reason: job.lastError ?? 'Failed without an error message',
        updatedAt: job.finishedAt ?? job.createdAt,
      };
    case 'skipped':
      if (!NOTHING_NEEDED.test(job.outcome ?? '')) {
        return {
          status: 'skipped',
          reason: job.outcome ?? 'Skipped',
          updatedAt: job.finishedAt ?? job.createdAt,
        };
      }
      return { status: 'synced', updatedAt: job.finishedAt ?? job.createdAt };
    default:
      return { status: 'synced', updatedAt: job.finishedAt ?? job.createdAt };
  }
}
