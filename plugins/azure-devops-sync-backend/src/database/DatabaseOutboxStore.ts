import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  OutboxJob,
  OutboxJobInput,
  OutboxJobStatus,
  OutboxStore,
} from './OutboxStore';
import { toIso } from './tables';
import {
  claimRows,
  releaseStaleRows,
  touchClaimedRows,
  replayRow,
  retryOrFailRow,
  WorkQueueTable,
} from './workQueue';

interface RawDbOutboxRow {
  id: string;
  seq: number | string;
  organization_id: string;
  work_item_id: number;
  issue_id: string | null;
  kind: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  outcome: string | null;
  claimed_by: string | null;
  claimed_at: Date | string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

const OUTBOX: WorkQueueTable = {
  table: 'outbox_jobs',
  sequenceColumn: 'seq',
  orderBy: [{ column: 'seq', order: 'asc' }],
  finishedColumn: 'finished_at',
};
let lastSeq = 0;

/** Monotonic within a process; microseconds keep replicas roughly in creation order. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

function toJob(row: RawDbOutboxRow): OutboxJob {
  return {
    id: row.id,
    organizationId: row.organization_id,
    workItemId: Number(row.work_item_id),
    issueId: row.issue_id,
    payload: JSON.parse(row.payload),
    status: row.status as OutboxJobStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    outcome: row.outcome,
    createdAt: toIso(row.created_at)!,
    finishedAt: toIso(row.finished_at),
  };
}

/** Knex-backed {@link OutboxStore}. */
export class DatabaseOutboxStore implements OutboxStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async enqueue(jobs: OutboxJobInput[], tx?: Knex.Transaction): Promise<void> {
    if (jobs.length === 0) return;
    await (tx ?? this.db)<RawDbOutboxRow>('outbox_jobs').insert(
      jobs.map(job => ({
        id: randomUUID(),
        seq: nextSeq(),
        organization_id: job.organizationId,
        work_item_id: job.workItemId,
        issue_id: job.issueId,
        kind: job.payload.kind,
        payload: JSON.stringify(job.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date(),
        // Explicit, in milliseconds: the column default has whole seconds on SQLite, and the
        // worker compares this time with ADO's ChangedDate.
        created_at: new Date(),
      })),
    );
  }

  async claim(worker: string, limit: number): Promise<OutboxJob[]> {
    return (
      await claimRows<RawDbOutboxRow>(this.db, OUTBOX, worker, limit)
    ).map(toJob);
  }

  async complete(
    id: string,
    status: 'done' | 'skipped',
    outcome: string,
  ): Promise<void> {
    await this.db('outbox_jobs')
      .where({ id })
      .update({ status, outcome, finished_at: new Date(), last_error: null });
  }

  async retryOrFail(
    id: string,
    error: string,
    retryAt: Date | null,
  ): Promise<void> {
    await retryOrFailRow(this.db, OUTBOX, id, error, retryAt);
  }

  async touch(worker: string): Promise<void> {
    await touchClaimedRows(this.db, OUTBOX, worker);
  }

  async releaseStale(olderThan: Date): Promise<number> {
    return releaseStaleRows(this.db, OUTBOX, olderThan);
  }

  async list(filter: {
    organizationId?: string;
    status?: OutboxJobStatus;
  }): Promise<OutboxJob[]> {
    const query = this.db<RawDbOutboxRow>('outbox_jobs')
      .orderBy('seq', 'desc')
      .limit(500);
    if (filter.organizationId)
      query.where({ organization_id: filter.organizationId });
    if (filter.status) query.where({ status: filter.status });
    return (await query).map(toJob);
  }

  async get(id: string): Promise<OutboxJob | undefined> {
    const row = await this.db<RawDbOutboxRow>('outbox_jobs')
      .where({ id })
      .first();
    return row ? toJob(row) : undefined;
  }

  async replay(id: string): Promise<boolean> {
    return replayRow(this.db, OUTBOX, id, ['failed']);
  }

  async skipOpenOfLink(
    link: { issueId: string; organizationId: string; workItemId: number },
    outcome: string,
    tx: Knex.Transaction,
  ): Promise<number> {
    return tx('outbox_jobs')
      .where({
        issue_id: link.issueId,
        organization_id: link.organizationId,
        work_item_id: link.workItemId,
      })
      .whereIn('status', ['pending', 'running'])
      .update({ status: 'skipped', outcome, finished_at: new Date() });
  }
}
