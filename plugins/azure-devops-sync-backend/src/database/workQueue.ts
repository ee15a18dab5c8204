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
 * Claims up to `limit` due rows that are first in line for their work item, in one statement:
 * an UPDATE … RETURNING over the candidates (row-locked with SKIP LOCKED on PostgreSQL, so
 * replicas never share one; SQLite has a single writer). Returns the rows this worker got, in
 * claim order.
 */
export async function claimRows<Row>(
  db: Knex,
  spec: WorkQueueTable,
  worker: string,
  limit: number,
): Promise<Row[]> {
  const candidates = db(`${spec.table} as q`)
    .select('q.id')
    // A literal, like the status list below: SQLite uses a partial index on pending rows only
    // when it can see the value.
    .whereRaw("q.status = 'pending'")
    .andWhere('q.next_attempt_at', '<=', new Date())
    .whereNotExists(
      db(`${spec.table} as e`)
        .select(db.raw('1'))
        .whereRaw('e.organization_id = q.organization_id')
        .andWhereRaw('e.work_item_id = q.work_item_id')
        .andWhereRaw(`e.${spec.sequenceColumn} < q.${spec.sequenceColumn}`)
        // Literal values: with bound parameters SQLite cannot prove the partial index on open
        // rows applies, and scans every row of the organization instead.
        .whereRaw(`e.status in (${OPEN.map(s => `'${s}'`).join(', ')})`),
    )
    .orderBy(
      spec.orderBy.map(o => ({ column: `q.${o.column}`, order: o.order })),
    )
    .limit(limit);
  if (isPostgres(db)) candidates.forUpdate().skipLocked();
  // Materialized: the candidates are picked and locked once. As a plain `IN (subquery)`,
  // PostgreSQL may run the locking subquery again for every row it updates.
  const rows: Row[] = await db(spec.table)
    .withMaterialized('claimable', candidates)
    .whereIn('id', db('claimable').select('id'))
    .andWhere('status', 'pending')
    .update(
      {
        status: 'running',
        claimed_by: worker,
        claimed_at: new Date(),
        attempts: db.raw('attempts + 1'),
      },
      '*',
    );
  return sortBy(rows, spec.orderBy);
}

function sortBy<Row>(rows: Row[], orderBy: WorkQueueTable['orderBy']): Row[] {
  const value = (row: Row, column: string) => {
    const v = (row as Record<string, unknown>)[column];
    return v instanceof Date ? v.getTime() : (v as number | string | null);
  };
  return [...rows].sort((a, b) => {
    for (const { column, order } of orderBy) {
      const x = value(a, column) ?? 0;
      const y = value(b, column) ?? 0;
      if (x !== y) return (x < y ? -1 : 1) * (order === 'asc' ? 1 : -1);
    }
    return 0;
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
  // Only the claimed row: one finished meanwhile (an unlink skips a running job) stays so.
  await db(spec.table)
    .where({ id, status: 'running' })
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

/** Keeps a live worker's claims fresh, so the sweep never takes them for a dead worker's. */
export async function touchClaimedRows(
  db: Knex,
  spec: WorkQueueTable,
  worker: string,
): Promise<void> {
  await db(spec.table)
    .where({ status: 'running', claimed_by: worker })
    .update({ claimed_at: new Date() });
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
