import { Knex } from 'knex';
import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Bucket boundaries ending at `now`, oldest first: [start, end) each. */
function buckets(now: number, size: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const end = now - (count - 1 - i) * size;
    return [new Date(end - size), new Date(end)] as const;
  });
}

/**
 * Error events of an entity's issues per hour (last 24) and per day (last 14), counted in the
 * database with one `SUM(CASE …)` per bucket: the same SQL on SQLite and PostgreSQL (their time
 * functions differ), and only the 14 days of rows the (entity_ref, timestamp) index finds.
 */
export async function readIssueTrends(
  db: Knex,
  entityRef: string,
  now: Date,
): Promise<IssueTrend[]> {
  const hours = buckets(now.getTime(), HOUR_MS, 24);
  const days = buckets(now.getTime(), DAY_MS, 14);
  const sums = [...hours, ...days].map(([start, end], i) =>
    db.raw(`SUM(CASE WHEN ?? >= ? AND ?? < ? THEN 1 ELSE 0 END) AS ??`, [
      'timestamp',
      start,
      'timestamp',
      end,
      `b${i}`,
    ]),
  );
  const rows: Array<Record<string, unknown>> = await db('events')
    .select('issue_id', ...sums)
    .where({ entity_ref: entityRef, type: 'error' })
    .whereNotNull('issue_id')
    .andWhere('timestamp', '>=', days[0][0])
    .andWhere('timestamp', '<', now)
    .groupBy('issue_id')
    .orderBy('issue_id');
  return rows.map(row => {
    const counts = [...hours, ...days].map((_, i) => Number(row[`b${i}`] ?? 0));
    return {
      issueId: String(row.issue_id),
      last24h: counts.slice(0, 24),
      last14d: counts.slice(24),
    };
  });
}
