import { Knex } from 'knex';
import type { ErrorEventOutcomeStats } from '../ErrorEventStore';

/** One entity's accepted/invalid/duplicate counters (0 when never counted). */
export async function readOutcomeStats(
  db: Knex,
  entityRef: string,
): Promise<ErrorEventOutcomeStats> {
  const rows: Array<{ outcome: string; count: number | string }> = await db(
    'event_outcomes',
  )
    .select('outcome', 'count')
    .where({ entity_ref: entityRef });
  const stats: ErrorEventOutcomeStats = {
    accepted: 0,
    invalid: 0,
    duplicate: 0,
  };
  for (const row of rows) {
    if (row.outcome in stats) {
      stats[row.outcome as keyof ErrorEventOutcomeStats] = Number(row.count);
    }
  }
  return stats;
}
