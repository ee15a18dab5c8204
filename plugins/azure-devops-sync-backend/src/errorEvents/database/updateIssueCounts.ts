import { Knex } from 'knex';
import { isPostgres } from '../../database/tables';
import type { IssueDelta } from './planSave';
import { chunks, minMax } from './util';

/**
 * Adds the request's counts to its issues: times seen, first/last seen widened, level and
 * releases from the newest/oldest event. Returns each updated issue's status (before any
 * reopening), so the caller can tell which resolved issues saw an event again.
 */
export async function updateIssueCounts(
  tx: Knex.Transaction,
  deltas: IssueDelta[],
): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  if (deltas.length === 0) return statuses;
  const pg = isPostgres(tx);
  const { least, greatest } = minMax(tx);
  // PostgreSQL cannot infer a VALUES list's column types from untyped parameters.
  const tuple = pg
    ? '(?::text, ?::integer, ?::timestamptz, ?::timestamptz, ?::text, ?::text, ?::text)'
    : '(?, ?, ?, ?, ?, ?, ?)';
  for (const chunk of chunks(deltas)) {
    const bindings = chunk.flatMap(d => [
      d.issueId,
      d.count,
      d.firstSeen,
      d.lastSeen,
      d.level,
      d.firstRelease,
      d.lastRelease,
    ]);
    const result = await tx.raw(
      `WITH v(id, n, first_seen, last_seen, level, first_release, last_release) AS (
         VALUES ${chunk.map(() => tuple).join(', ')}
       )
       UPDATE issues SET
         times_seen = issues.times_seen + v.n,
         level = CASE WHEN v.last_seen >= issues.last_seen THEN v.level ELSE issues.level END,
         last_release = CASE
           WHEN v.last_seen >= issues.last_seen AND v.last_release IS NOT NULL THEN v.last_release
           ELSE COALESCE(issues.last_release, v.last_release) END,
         first_release = CASE
           WHEN v.first_seen < issues.first_seen AND v.first_release IS NOT NULL THEN v.first_release
           ELSE COALESCE(issues.first_release, v.first_release) END,
         first_seen = ${least}(issues.first_seen, v.first_seen),
         last_seen = ${greatest}(issues.last_seen, v.last_seen),
         updated_at = ?
       FROM v
       WHERE issues.id = v.id
       RETURNING issues.id, issues.status`,
      [...bindings, new Date()],
    );
    const returned: Array<{ id: string; status: string }> = pg
      ? result.rows
      : result;
    for (const r of returned) statuses.set(r.id, r.status);
  }
  return statuses;
}
