import { Knex } from 'knex';
import type { OutcomeCount } from './planSave';
import { key } from './util';

export interface OutcomeRow {
  entity_ref: string;
  outcome: string;
  count: number;
}

/** Non-zero counts, in key order (the order their row locks are taken). */
export function outcomeRows(outcomes: OutcomeCount[]): OutcomeRow[] {
  return outcomes
    .filter(o => o.count > 0)
    .sort((a, b) =>
      key(a.entityRef, a.outcome) < key(b.entityRef, b.outcome) ? -1 : 1,
    )
    .map(o => ({
      entity_ref: o.entityRef,
      outcome: o.outcome,
      count: o.count,
    }));
}

/** Adds to the per-entity accepted/invalid/duplicate counters. */
export async function addOutcomes(
  db: Knex | Knex.Transaction,
  outcomes: OutcomeCount[],
): Promise<void> {
  const rows = outcomeRows(outcomes);
  if (rows.length === 0) return;
  await db('event_outcomes')
    .insert(rows)
    .onConflict(['entity_ref', 'outcome'])
    .merge({ count: db.raw('event_outcomes.count + excluded.count') });
}
