import { Knex } from 'knex';
import type { NormalizedEvent } from '../types';
import { outcomeRows } from './addOutcomes';
import type { IssueDelta, OutcomeCount } from './planSave';
import { environmentRows } from './upsertEnvironments';
import { eventUserRows } from './upsertEventUsers';
import { releaseRows } from './upsertReleases';
import { wellFormedRow } from './util';

/**
 * PostgreSQL only: what updateIssueCounts, upsertReleases, upsertEnvironments,
 * upsertEventUsers and addOutcomes do, as one statement of data-modifying CTEs (separate tables,
 * so their order does not matter), each row set as one JSON parameter. Kept because the five
 * portable statements saved 3,511–3,615 error events/s against 3,903–4,022 with this
 * (bench/eventSave.bench.ts on PostgreSQL 15, median of 5 rounds, 1 call at a time).
 * Returns each updated issue's status, as updateIssueCounts does.
 */
export async function writeAggregatesPostgres(
  tx: Knex.Transaction,
  deltas: IssueDelta[],
  accepted: NormalizedEvent[],
  outcomes: OutcomeCount[],
): Promise<Map<string, string>> {
  const sql = `
      WITH d AS (
        UPDATE issues SET
          times_seen = issues.times_seen + v.n,
          level = CASE WHEN v.last_seen >= issues.last_seen THEN v.level ELSE issues.level END,
          last_release = CASE
            WHEN v.last_seen >= issues.last_seen AND v.last_release IS NOT NULL THEN v.last_release
            ELSE COALESCE(issues.last_release, v.last_release) END,
          first_release = CASE
            WHEN v.first_seen < issues.first_seen AND v.first_release IS NOT NULL THEN v.first_release
            ELSE COALESCE(issues.first_release, v.first_release) END,
          first_seen = least(issues.first_seen, v.first_seen),
          last_seen = greatest(issues.last_seen, v.last_seen),
          updated_at = ?::timestamptz
        FROM json_to_recordset(?::json) AS v(id text, n integer,
          first_seen timestamptz, last_seen timestamptz, level text,
          first_release text, last_release text)
        WHERE issues.id = v.id
        RETURNING issues.id, issues.status
      ), r AS (
        INSERT INTO releases (entity_ref, version, first_seen, last_seen)
        SELECT entity_ref, version, first_seen, last_seen
          FROM json_to_recordset(?::json) AS x(entity_ref text, version text,
            first_seen timestamptz, last_seen timestamptz)
        ON CONFLICT (entity_ref, version) DO UPDATE SET
          first_seen = least(releases.first_seen, excluded.first_seen),
          last_seen = greatest(releases.last_seen, excluded.last_seen)
      ), e AS (
        INSERT INTO environments (entity_ref, name, first_seen)
        SELECT entity_ref, name, first_seen
          FROM json_to_recordset(?::json) AS x(entity_ref text, name text,
            first_seen timestamptz)
        ON CONFLICT (entity_ref, name) DO NOTHING
      ), u AS (
        INSERT INTO event_users (entity_ref, user_key, user_id, email, username,
          ip_address, first_seen, last_seen)
        SELECT entity_ref, user_key, user_id, email, username, ip_address,
          first_seen, last_seen
          FROM json_to_recordset(?::json) AS x(entity_ref text, user_key text,
            user_id text, email text, username text, ip_address text,
            first_seen timestamptz, last_seen timestamptz)
        ON CONFLICT (entity_ref, user_key) DO UPDATE SET
          user_id = COALESCE(excluded.user_id, event_users.user_id),
          email = COALESCE(excluded.email, event_users.email),
          username = COALESCE(excluded.username, event_users.username),
          ip_address = COALESCE(excluded.ip_address, event_users.ip_address),
          first_seen = least(event_users.first_seen, excluded.first_seen),
          last_seen = greatest(event_users.last_seen, excluded.last_seen)
      ), o AS (
        INSERT INTO event_outcomes (entity_ref, outcome, count)
        SELECT entity_ref, outcome, count
          FROM json_to_recordset(?::json) AS x(entity_ref text, outcome text,
            count bigint)
        ON CONFLICT (entity_ref, outcome) DO UPDATE SET
          count = event_outcomes.count + excluded.count
      )
      SELECT id, status FROM d`;
  const json = (rows: object[]) => JSON.stringify(rows.map(wellFormedRow));
  const result = await tx.raw(sql, [
    new Date(),
    json(
      deltas.map(d => ({
        id: d.issueId,
        n: d.count,
        first_seen: d.firstSeen,
        last_seen: d.lastSeen,
        level: d.level,
        first_release: d.firstRelease,
        last_release: d.lastRelease,
      })),
    ),
    json(releaseRows(accepted)),
    json(environmentRows(accepted)),
    json(eventUserRows(accepted)),
    json(outcomeRows(outcomes)),
  ]);
  const statuses = new Map<string, string>();
  for (const r of result.rows as Array<{ id: string; status: string }>)
    statuses.set(r.id, r.status);
  return statuses;
}
