import { parseEntityRef } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { GroupCandidate } from './planSave';
import { chunks, key } from './util';

/**
 * Creates an issue per group with the entity's next short ids (`PAYMENTS-API-7`), in the order
 * the groups are given. Returns their ids by `key(entityRef, groupHash)`.
 *
 * A group another request created meanwhile fails the whole transaction with a unique-constraint
 * error (so the caller runs the request again and finds it).
 */
export async function createIssues(
  tx: Knex.Transaction,
  groups: GroupCandidate[],
): Promise<Map<string, string>> {
  const byGroup = new Map<string, string>();
  if (groups.length === 0) return byGroup;

  const entities = [...new Set(groups.map(g => g.entityRef))];
  const maxRows: Array<{
    entity_ref: string;
    max_seq: number | string | null;
  }> = await tx('issues')
    .select('entity_ref')
    .max({ max_seq: 'short_seq' })
    .whereIn('entity_ref', entities)
    .groupBy('entity_ref');
  const nextSeq = new Map(entities.map(e => [e, 0]));
  for (const row of maxRows)
    nextSeq.set(row.entity_ref, Number(row.max_seq ?? 0));

  const rows = groups.map(g => {
    const seq = nextSeq.get(g.entityRef)! + 1;
    nextSeq.set(g.entityRef, seq);
    const at = new Date(g.first.timestamp);
    return {
      id: randomUUID(),
      entity_ref: g.entityRef,
      short_seq: seq,
      short_id: `${parseEntityRef(g.entityRef).name.toLocaleUpperCase(
        'en-US',
      )}-${seq}`,
      group_hash: g.groupHash,
      title: g.first.title,
      culprit: g.first.culprit,
      level: g.first.level,
      status: 'unresolved',
      times_seen: 0,
      first_seen: at,
      last_seen: at,
    };
  });
  // Inserted in key order, so concurrent requests take the unique-index locks in one order.
  rows.sort((a, b) =>
    key(a.entity_ref, a.group_hash) < key(b.entity_ref, b.group_hash) ? -1 : 1,
  );
  for (const chunk of chunks(rows, 200)) {
    const returned: Array<{ id: string }> = await tx('issues')
      .insert(chunk)
      .onConflict(['entity_ref', 'group_hash'])
      .ignore()
      .returning(['id']);
    const ids = new Set(returned.map(r => r.id));
    for (const row of chunk) {
      if (!ids.has(row.id)) {
        throw Object.assign(
          new Error('Issue group created concurrently: unique constraint'),
          { code: '23505' },
        );
      }
      byGroup.set(key(row.entity_ref, row.group_hash), row.id);
    }
  }
  return byGroup;
}

/** A new group whose every event was a duplicate leaves no empty issue behind. */
export async function deleteIssues(
  tx: Knex.Transaction,
  ids: string[],
): Promise<void> {
  for (const chunk of chunks(ids))
    await tx('issues').whereIn('id', chunk).delete();
}
