import { Knex } from 'knex';
import { isPostgres } from './tables';

/** How a queue table (inbox deliveries, outbox jobs) is laid out. */
export interface WorkQueueTable {
  table: string;
  /** Column that orders the rows of one work item: only the first open one is runnable. */
  sequenceColumn: string;
  /** Claim order across work items. */
  orderBy: Array<{ column: string; order: 'asc' | 'desc' }>;
  /** Column stamped when a row is finished for good. */
  finishedColumn: string;
}

const OPEN = ['pending', 'running'];

/**
 * Claims up to `limit` due rows that are first in line for their work item: in one transaction,
 * pick the candidates (row-locked with SKIP LOCKED on PostgreSQL, so replicas never share one),
 * flip them to `running` for `worker`, and return the rows this worker got.
 */
export async function claimRows<Row>(
  db: Knex,
  spec: WorkQueueTable,
  worker: string,
  limit: number,
): Promise<Row[]> {
  return db.transaction(async tx => {
    const candidates = tx(`${spec.table} as q`)
      .select('q.id')
      .where('q.status', 'pending')
      .andWhere('q.next_attempt_at', '<=', new Date())
      .whereNotExists(
        tx(`${spec.table} as e`)
          .select(tx.raw('1'))
          .whereRaw('e.organization_id = q.organization_id')
          .andWhereRaw('e.work_item_id = q.work_item_id')
          .andWhereRaw(`e.${spec.sequenceColumn} < q.${spec.sequenceColumn}`)
          .whereIn('e.status', OPEN),
      )
      .orderBy(
        spec.orderBy.map(o => ({ column: `q.${o.column}`, order: o.order })),
      )
      .limit(limit);
    if (isPostgres(tx)) candidates.forUpdate().skipLocked();
    const ids = (await candidates).map((r: { id: string }) => r.id);
    if (ids.length === 0) return [];
    await tx(spec.table)
      .whereIn('id', ids)
      .andWhere('status', 'pending')
      .update({
        status: 'running',
        claimed_by: worker,
        claimed_at: new Date(),
        attempts: tx.raw('attempts + 1'),
      });
    return tx(spec.table)
      .whereIn('id', ids)
      .andWhere({ status: 'running', claimed_by: worker })
      .orderBy(spec.orderBy);
  });
}

/** Schedules another try at `retryAt`, or marks the row failed when `retryAt` is null. */
export async function retryOrFailRow(
  db: Knex,
  spec: WorkQueueTable,
  id: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db(spec.table)
    .where({ id })
    .update(
      retryAt
        ? {
            status: 'pending',
            last_error: error,
            next_attempt_at: retryAt,
            claimed_by: null,
          }
        : {
            status: 'failed',
            last_error: error,
            [spec.finishedColumn]: new Date(),
          },
    );
}

/** Running rows whose worker died (claimed before `olderThan`) go back to pending. */
export async function releaseStaleRows(
  db: Knex,
  spec: WorkQueueTable,
  olderThan: Date,
): Promise<number> {
  return db(spec.table)
    .where({ status: 'running' })
    .andWhere('claimed_at', '<', olderThan)
    .update({
      status: 'pending',
      claimed_by: null,
      next_attempt_at: new Date(),
    });
}

/** Puts a finished row back in the queue for a fresh set of tries. */
export async function replayRow(
  db: Knex,
  spec: WorkQueueTable,
  id: string,
  fromStatuses: string[],
): Promise<boolean> {
  const count = await db(spec.table)
    .where({ id })
    .whereIn('status', fromStatuses)
    .update({
      status: 'pending',
      attempts: 0,
      next_attempt_at: new Date(),
      last_error: null,
    });
  return count > 0;
}
