import { Knex } from 'knex';
import { isPostgres } from '../../database/tables';
import { lockIssuesOfGroups } from './lockIssuesOfGroups';
import type { GroupCandidate } from './planSave';
import { key } from './util';

/**
 * Takes the right to create issues for the entities of the groups that have none yet, until the
 * transaction ends (PostgreSQL: a transaction-level advisory lock per entity, in name order).
 * Concurrent requests bringing new groups for one entity then queue, instead of both taking its
 * next short id and all but one running again (with 4 concurrent calls, until retries ran out).
 * Called before any issue row is locked, so a request waiting here holds no row another
 * creator needs. SQLite runs one writer at a time, so it needs none.
 */
export async function lockEntityCreation(
  tx: Knex.Transaction,
  groups: GroupCandidate[],
): Promise<void> {
  if (!isPostgres(tx)) return;
  const known = await lockIssuesOfGroups(tx, groups, { lock: false });
  const entities = groups
    .filter(g => !known.has(key(g.entityRef, g.groupHash)))
    .map(g => g.entityRef);
  for (const entityRef of [...new Set(entities)].sort()) {
    await tx.raw(
      `SELECT pg_advisory_xact_lock(hashtextextended('azure-devops-sync:issues:' || ?, 0))`,
      [entityRef],
    );
  }
}
