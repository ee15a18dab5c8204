import { Knex } from 'knex';
import type { LinkJobRecord } from './linkSyncState';
import type { OutboxJobStatus } from './OutboxStore';
import { toIso } from './tables';

interface RawDbLinkJobRow {
  id: string;
  issue_id: string;
  organization_id: string;
  work_item_id: number;
  payload: string;
  status: string;
  last_error: string | null;
  outcome: string | null;
  next_attempt_at: Date | string;
  claimed_at: Date | string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

/** The key of one issue's link to one work item, for maps. */
export function linkKey(
  issueId: string,
  organizationId: string,
  workItemId: number,
): string {
  return JSON.stringify([issueId, organizationId, Number(workItemId)]);
}

const CHUNK = 500;

/**
 * For each link of the given issues: its last outbound job and its first open one (the one the
 * others wait for), in queue order, keyed by {@link linkKey}. One query per 500 issues, however
 * many jobs and links they have: an issue list must not cost a query per issue.
 */
export async function lastLinkJobs(
  db: Knex | Knex.Transaction,
  issueIds: string[],
  only?: { organizationId: string; workItemId: number },
): Promise<Map<string, LinkJobRecord[]>> {
  const result = new Map<string, LinkJobRecord[]>();
  const partition = 'issue_id, organization_id, work_item_id';
  for (let i = 0; i < issueIds.length; i += CHUNK) {
    const ranked = db('outbox_jobs')
      .select(
        'id',
        'issue_id',
        'organization_id',
        'work_item_id',
        'payload',
        'status',
        'last_error',
        'outcome',
        'next_attempt_at',
        'claimed_at',
        'created_at',
        'finished_at',
        'seq',
        db.raw(
          `row_number() over (partition by ${partition} order by seq desc) as latest_rank`,
        ),
        db.raw(
          `row_number() over (partition by ${partition}, status in ('pending', 'running') order by seq asc) as open_rank`,
        ),
      )
      .whereIn('issue_id', issueIds.slice(i, i + CHUNK))
      .whereIn('kind', ['status', 'assignee', 'comment']);
    if (only) {
      ranked.where({
        organization_id: only.organizationId,
        work_item_id: only.workItemId,
      });
    }
    const rows: RawDbLinkJobRow[] = await db
      .from(ranked.as('ranked'))
      .where('latest_rank', 1)
      .orWhere(q =>
        q.whereIn('status', ['pending', 'running']).andWhere('open_rank', 1),
      )
      .orderBy('seq', 'asc');
    for (const row of rows) {
      const key = linkKey(row.issue_id, row.organization_id, row.work_item_id);
      const list = result.get(key) ?? [];
      list.push(toRecord(row));
      result.set(key, list);
    }
  }
  return result;
}

function toRecord(row: RawDbLinkJobRow): LinkJobRecord {
  return {
    id: row.id,
    payload: JSON.parse(row.payload),
    status: row.status as OutboxJobStatus,
    lastError: row.last_error,
    outcome: row.outcome,
    createdAt: toIso(row.created_at)!,
    nextAttemptAt: toIso(row.next_attempt_at)!,
    claimedAt: toIso(row.claimed_at),
    finishedAt: toIso(row.finished_at),
  };
}
