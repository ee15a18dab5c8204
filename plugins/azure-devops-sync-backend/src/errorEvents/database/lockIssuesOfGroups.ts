import { Knex } from 'knex';
import { isPostgres } from '../../database/tables';
import type { GroupCandidate } from './planSave';
import { chunks, key, wellFormed } from './util';

/**
 * The ids of the issues the groups already have, locked on PostgreSQL (in id order, so
 * concurrent requests queue instead of deadlocking; SQLite serialises writers anyway) unless
 * `lock: false`.
 * Returns `key(entityRef, groupHash) → issue id`.
 *
 * PostgreSQL gets the groups as one JSON parameter joined on the unique (entity_ref,
 * group_hash) index, instead of a row-value IN list of 2N bindings: with the one-statement
 * aggregates (writeAggregatesPostgres) it kept error-event saving at 4,362 events/s against
 * 3,903 without it (bench/eventSave.bench.ts, median of 5 rounds, 1 call at a time).
 */
export async function lockIssuesOfGroups(
  tx: Knex.Transaction,
  groups: GroupCandidate[],
  options: { lock?: boolean } = {},
): Promise<Map<string, string>> {
  const forUpdate = options.lock === false ? '' : 'FOR UPDATE OF i';
  const byGroup = new Map<string, string>();
  const pg = isPostgres(tx);
  for (const chunk of chunks(groups)) {
    if (pg) {
      const result = await tx.raw(
        `SELECT i.id, i.entity_ref, i.group_hash
           FROM issues i
           JOIN json_to_recordset(?::json) AS v(e text, g text)
             ON i.entity_ref = v.e AND i.group_hash = v.g
          ORDER BY i.id
            ${forUpdate}`,
        [
          JSON.stringify(
            chunk.map(g => ({ e: wellFormed(g.entityRef), g: g.groupHash })),
          ),
        ],
      );
      for (const row of result.rows as Array<{
        id: string;
        entity_ref: string;
        group_hash: string;
      }>)
        byGroup.set(key(row.entity_ref, row.group_hash), row.id);
      continue;
    }
    const rows = await tx('issues')
      .select('id', 'entity_ref', 'group_hash')
      .whereIn(
        ['entity_ref', 'group_hash'],
        chunk.map(g => [g.entityRef, g.groupHash]),
      );
    for (const row of rows)
      byGroup.set(key(row.entity_ref, row.group_hash), row.id);
  }
  return byGroup;
}
