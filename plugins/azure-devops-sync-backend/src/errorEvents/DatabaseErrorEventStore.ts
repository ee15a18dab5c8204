import {
  DatabaseService,
  isDatabaseConflictError,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import type {
  NormalizedErrorEvent,
  NormalizedEvent,
  NormalizedEventUser,
} from './types';
import { outboundJobsForChange } from '../sync/outboundJobs';
import { EventOutcomeStats, EventStore, SavedEvent } from './ErrorEventStore';
import { IssueStore } from '../database/IssueStore';
import { getMigratedClient } from '../database/migrations';
import { isPostgres } from '../database/tables';

export interface RawDbEventRow {
  entity_ref: string;
  event_id: string;
  type: string;
  issue_id: string | null;
  timestamp: Date | string | number;
  level: string | null;
  platform: string | null;
  message: string | null;
  release: string | null;
  environment: string | null;
  user_key: string | null;
  transaction: string | null;
  op: string | null;
  transaction_status: string | null;
  duration_ms: number | null;
  span_hashes: string | null;
  data: string;
}

interface RawDbOutcomeRow {
  entity_ref: string;
  outcome: string;
  count: number | string;
}

/** Rows per insert statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;
/** Whole-request retries after a unique-constraint race or a deadlock. */
const MAX_ATTEMPTS = 5;

const key = (...parts: string[]) => parts.join('\u0000');

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}

/** The events table's columns, in insert order. */
const EVENT_COLUMNS: Array<[keyof RawDbEventRow, string]> = [
  ['entity_ref', 'text'],
  ['event_id', 'text'],
  ['type', 'text'],
  ['issue_id', 'text'],
  ['timestamp', 'timestamptz'],
  ['level', 'text'],
  ['platform', 'text'],
  ['message', 'text'],
  ['release', 'text'],
  ['environment', 'text'],
  ['user_key', 'text'],
  ['transaction', 'text'],
  ['op', 'text'],
  ['transaction_status', 'text'],
  ['duration_ms', 'double precision'],
  ['span_hashes', 'text'],
  ['data', 'text'],
];
const EVENT_COLUMNS_SQL = EVENT_COLUMNS.map(([c]) => `"${c}"`).join(', ');
const EVENT_RECORD_SQL = EVENT_COLUMNS.map(([c, t]) => `"${c}" ${t}`).join(
  ', ',
);

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A lone UTF-16 surrogate becomes U+FFFD, as the pg driver's UTF-8 encoding of a bound string
 * does; PostgreSQL would reject it as a `\uXXXX` escape inside a JSON parameter.
 */
function wellFormed(value: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(value)
    ? value.replace(LONE_SURROGATE, '\ufffd')
    : value;
}

function wellFormedRow<T extends object>(row: T): T {
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'string') continue;
    const fixed = wellFormed(v);
    if (fixed !== v) {
      if (!copy) copy = { ...(row as Record<string, unknown>) };
      copy[k] = fixed;
    }
  }
  return (copy ?? row) as T;
}

/** `id:`, `email:`, `username:` or `ip:` prefixed: the strongest identifier the event has. */
export function eventUserKey(
  user: NormalizedEventUser | undefined,
): string | null {
  if (!user) return null;
  if (user.id) return `id:${user.id}`;
  if (user.email) return `email:${user.email}`;
  if (user.username) return `username:${user.username}`;
  if (user.ipAddress) return `ip:${user.ipAddress}`;
  return null;
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // 40P01 deadlock, 40001 serialization failure: both safe to retry as a whole.
  return isDatabaseConflictError(error) || code === '40P01' || code === '40001';
}

/** The aggregate one request adds to one issue. */
interface IssueDelta {
  issueId: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** Level of the newest event. */
  level: string;
  /** Release of the oldest event that has one. */
  firstRelease: string | null;
  /** Release of the newest event that has one. */
  lastRelease: string | null;
}

interface GroupCandidate {
  entityRef: string;
  groupHash: string;
  /** The group's earliest event: title, culprit and level of a new issue come from it. */
  first: NormalizedErrorEvent;
}

/**
 * Knex-backed {@link EventStore}: the reference's `save_error_events` / `save_transaction_events`,
 * batched so that a request of N events costs a handful of statements, not N.
 */
export class DatabaseEventStore implements EventStore {
  static async create(options: {
    database: DatabaseService;
    issues: IssueStore;
  }): Promise<DatabaseEventStore> {
    const db = await getMigratedClient(options.database);
    return new DatabaseEventStore(db, options.issues);
  }

  private readonly pg: boolean;

  private constructor(
    private readonly db: Knex,
    private readonly issues: IssueStore,
  ) {
    this.pg = isPostgres(db);
  }

  async save(events: NormalizedEvent[]): Promise<SavedEvent[]> {
    if (events.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(tx => this.saveIn(tx, events));
      } catch (error) {
        // Another request created the same group or took the same short id, or two requests
        // locked the same issues in opposite order: run the request again, it now sees theirs.
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  async recordInvalid(counts: Map<string, number>): Promise<void> {
    if (counts.size === 0) return;
    await this.addOutcomes(
      this.db,
      [...counts].map(([entityRef, count]) => ({
        entityRef,
        outcome: 'invalid',
        count,
      })),
    );
  }

  async stats(entityRef: string): Promise<EventOutcomeStats> {
    const rows = await this.db<RawDbOutcomeRow>('event_outcomes').where({
      entity_ref: entityRef,
    });
    const stats: EventOutcomeStats = { accepted: 0, invalid: 0, duplicate: 0 };
    for (const row of rows) {
      if (row.outcome in stats) {
        stats[row.outcome as keyof EventOutcomeStats] = Number(row.count);
      }
    }
    return stats;
  }

  private async saveIn(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ): Promise<SavedEvent[]> {
    // A repeated id within the request is a duplicate of its first occurrence.
    const seen = new Set<string>();
    const firsts: NormalizedEvent[] = [];
    const repeated = new Set<number>();
    events.forEach((event, index) => {
      const k = key(event.entityRef, event.eventId);
      if (seen.has(k)) repeated.add(index);
      else {
        seen.add(k);
        firsts.push(event);
      }
    });

    // Issues first (the events reference them): existing groups are locked, new ones created.
    const groups = new Map<string, GroupCandidate>();
    for (const event of firsts) {
      if (event.type !== 'error') continue;
      const k = key(event.entityRef, event.groupHash);
      const group = groups.get(k);
      if (!group)
        groups.set(k, {
          entityRef: event.entityRef,
          groupHash: event.groupHash,
          first: event,
        });
      else if (event.timestamp < group.first.timestamp) group.first = event;
    }
    const issueIds = await this.issuesForGroups(tx, [...groups.values()]);
    const newIssueIds = new Set(issueIds.created);

    // Events: a conflict on (entity_ref, event_id) is a duplicate of an earlier request.
    const inserted = await this.insertEvents(tx, firsts, issueIds.byGroup);
    const accepted = firsts.filter(e =>
      inserted.has(key(e.entityRef, e.eventId)),
    );

    // Issue aggregates from the accepted error events.
    const deltas = new Map<string, IssueDelta>();
    for (const event of accepted) {
      if (event.type !== 'error') continue;
      const issueId = issueIds.byGroup.get(
        key(event.entityRef, event.groupHash),
      )!;
      const at = new Date(event.timestamp);
      const delta = deltas.get(issueId);
      if (!delta) {
        deltas.set(issueId, {
          issueId,
          count: 1,
          firstSeen: at,
          lastSeen: at,
          level: event.level,
          firstRelease: event.release ?? null,
          lastRelease: event.release ?? null,
        });
        continue;
      }
      delta.count++;
      if (at < delta.firstSeen) {
        delta.firstSeen = at;
        if (event.release) delta.firstRelease = event.release;
      }
      if (at >= delta.lastSeen) {
        delta.lastSeen = at;
        delta.level = event.level;
        if (event.release) delta.lastRelease = event.release;
      }
      delta.firstRelease ??= event.release ?? null;
      delta.lastRelease ??= event.release ?? null;
    }
    const duplicate = events.map(
      (event, index) =>
        repeated.has(index) ||
        !inserted.has(key(event.entityRef, event.eventId)),
    );
    const outcomes = new Map<
      string,
      { entityRef: string; outcome: string; count: number }
    >();
    events.forEach((event, index) => {
      const outcome = duplicate[index] ? 'duplicate' : 'accepted';
      const k = key(event.entityRef, outcome);
      const o = outcomes.get(k) ?? {
        entityRef: event.entityRef,
        outcome,
        count: 0,
      };
      o.count++;
      outcomes.set(k, o);
    });

    let statuses: Map<string, string>;
    if (this.pg) {
      // Issue counts, releases, environments, event users and outcomes: one statement.
      statuses = await this.applyAggregatesPg(
        tx,
        [...deltas.values()],
        accepted,
        [...outcomes.values()],
      );
    } else {
      statuses = await this.applyIssueDeltas(tx, [...deltas.values()]);
    }
    // A new group whose every event turned out to be a duplicate (an id reused with other
    // content, or a concurrent retry) leaves no empty issue behind.
    const empty = [...newIssueIds].filter(id => !deltas.has(id));
    if (empty.length > 0) await tx('issues').whereIn('id', empty).delete();

    for (const [issueId, status] of statuses) {
      if (status !== 'resolved') continue;
      await this.issues.applyChange(
        issueId,
        { status: 'unresolved' },
        {
          source: { kind: 'system' },
          regression: true,
          outbound: outboundJobsForChange,
        },
        tx,
      );
    }

    if (!this.pg) {
      await this.upsertReleases(tx, accepted);
      await this.upsertEnvironments(tx, accepted);
      await this.upsertEventUsers(tx, accepted);
      await this.addOutcomes(tx, [...outcomes.values()]);
    }

    // Duplicates report the issue their first copy went to.
    const duplicateIssue = new Map<string, string | null>();
    const earlier = firsts.filter(
      e => !inserted.has(key(e.entityRef, e.eventId)),
    );
    for (const chunk of chunks(earlier)) {
      const found = await tx<RawDbEventRow>('events')
        .select('entity_ref', 'event_id', 'issue_id')
        .whereIn(
          ['entity_ref', 'event_id'],
          chunk.map(e => [e.entityRef, e.eventId]),
        );
      for (const r of found)
        duplicateIssue.set(key(r.entity_ref, r.event_id), r.issue_id);
    }

    return events.map((event, index) => {
      const isDuplicate = duplicate[index];
      let issueId: string | undefined;
      if (isDuplicate)
        issueId =
          duplicateIssue.get(key(event.entityRef, event.eventId)) ?? undefined;
      else if (event.type === 'error') {
        issueId = issueIds.byGroup.get(key(event.entityRef, event.groupHash));
      }
      return {
        eventId: event.eventId,
        type: event.type,
        entityRef: event.entityRef,
        ...(issueId ? { issueId } : {}),
        outcome: isDuplicate ? 'duplicate' : 'accepted',
      };
    });
  }

  /**
   * Issue ids for the request's groups. Existing ones are locked (in id order, so concurrent
   * requests queue instead of deadlocking); missing ones are created with the next short ids.
   */
  private async issuesForGroups(
    tx: Knex.Transaction,
    groups: GroupCandidate[],
  ): Promise<{ byGroup: Map<string, string>; created: string[] }> {
    const byGroup = new Map<string, string>();
    const created: string[] = [];
    if (groups.length === 0) return { byGroup, created };

    for (const chunk of chunks(groups)) {
      if (this.pg) {
        // One JSON parameter instead of a row-value IN list of 2N bindings; the join on the
        // unique (entity_ref, group_hash) index is a nested loop of index probes.
        const result = await tx.raw(
          `SELECT i.id, i.entity_ref, i.group_hash
             FROM issues i
             JOIN json_to_recordset(?::json) AS v(e text, g text)
               ON i.entity_ref = v.e AND i.group_hash = v.g
            ORDER BY i.id
              FOR UPDATE OF i`,
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
      const query = tx('issues')
        .select('id', 'entity_ref', 'group_hash')
        .whereIn(
          ['entity_ref', 'group_hash'],
          chunk.map(g => [g.entityRef, g.groupHash]),
        )
        .orderBy('id');
      if (this.pg) query.forUpdate();
      for (const row of await query)
        byGroup.set(key(row.entity_ref, row.group_hash), row.id);
    }

    // Short ids follow the order the groups appear in the request.
    const missing = groups.filter(
      g => !byGroup.has(key(g.entityRef, g.groupHash)),
    );
    if (missing.length === 0) return { byGroup, created };

    const entities = [...new Set(missing.map(g => g.entityRef))];
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

    const rows = missing.map(g => {
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
      key(a.entity_ref, a.group_hash) < key(b.entity_ref, b.group_hash)
        ? -1
        : 1,
    );
    for (const chunk of chunks(rows, 200)) {
      // A group another request created meanwhile is skipped here and fails the whole request
      // with a conflict only when the short id collides; `save` then runs it again.
      const returned: Array<{ id: string }> = await tx('issues')
        .insert(chunk)
        .onConflict(['entity_ref', 'group_hash'])
        .ignore()
        .returning(['id']);
      const ids = new Set(returned.map(r => r.id));
      for (const row of chunk) {
        if (ids.has(row.id)) {
          byGroup.set(key(row.entity_ref, row.group_hash), row.id);
          created.push(row.id);
        } else {
          throw Object.assign(
            new Error('Issue group created concurrently: unique constraint'),
            {
              code: '23505',
            },
          );
        }
      }
    }
    return { byGroup, created };
  }

  /** Inserts the events; returns the keys of those that were new (not duplicates). */
  private async insertEvents(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
    issueIds: Map<string, string>,
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    const rows = events
      .map(event => this.eventRow(event, issueIds))
      .sort((a, b) =>
        a.entity_ref + a.event_id < b.entity_ref + b.event_id ? -1 : 1,
      );
    for (const chunk of chunks(rows)) {
      let returned: Array<{ entity_ref: string; event_id: string }>;
      if (this.pg) {
        // The rows as one JSON parameter: no per-value bindings to build, send and parse, and
        // one statement text for every batch size.
        const result = await tx.raw(
          `INSERT INTO events (${EVENT_COLUMNS_SQL})
           SELECT ${EVENT_COLUMNS_SQL}
             FROM json_to_recordset(?::json) AS r(${EVENT_RECORD_SQL})
           ON CONFLICT (entity_ref, event_id) DO NOTHING
           RETURNING entity_ref, event_id`,
          [JSON.stringify(chunk.map(wellFormedRow))],
        );
        returned = result.rows;
      } else {
        returned = await tx<RawDbEventRow>('events')
          .insert(chunk)
          .onConflict(['entity_ref', 'event_id'])
          .ignore()
          .returning(['entity_ref', 'event_id']);
      }
      for (const r of returned) inserted.add(key(r.entity_ref, r.event_id));
    }
    return inserted;
  }

  /**
   * PostgreSQL: the issue deltas, releases, environments, event users and outcomes of a request
   * in one statement of data-modifying CTEs (separate tables, so their order does not matter).
   * Returns each updated issue's status.
   */
  private async applyAggregatesPg(
    tx: Knex.Transaction,
    deltas: IssueDelta[],
    accepted: NormalizedEvent[],
    outcomes: Array<{ entityRef: string; outcome: string; count: number }>,
  ): Promise<Map<string, string>> {
    const sortedDeltas = [...deltas].sort((a, b) =>
      a.issueId < b.issueId ? -1 : 1,
    );
    const releases = releaseRows(accepted);
    const environments = environmentRows(accepted);
    const users = eventUserRows(accepted);
    const counted = outcomeRows(outcomes);
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
        sortedDeltas.map(d => ({
          id: d.issueId,
          n: d.count,
          first_seen: d.firstSeen,
          last_seen: d.lastSeen,
          level: d.level,
          first_release: d.firstRelease,
          last_release: d.lastRelease,
        })),
      ),
      json(releases),
      json(environments),
      json(users),
      json(counted),
    ]);
    const statuses = new Map<string, string>();
    for (const r of result.rows as Array<{ id: string; status: string }>)
      statuses.set(r.id, r.status);
    return statuses;
  }

  /** Adds the request's counts to its issues in one statement; returns each issue's status. */
  private async applyIssueDeltas(
    tx: Knex.Transaction,
    deltas: IssueDelta[],
  ): Promise<Map<string, string>> {
    const statuses = new Map<string, string>();
    if (deltas.length === 0) return statuses;
    const pg = this.pg;
    const greatest = pg ? 'greatest' : 'max';
    const least = pg ? 'least' : 'min';
    const sorted = [...deltas].sort((a, b) => (a.issueId < b.issueId ? -1 : 1));
    for (const chunk of chunks(sorted, 500)) {
      const tuple = pg
        ? '(?::text, ?::integer, ?::timestamptz, ?::timestamptz, ?::text, ?::text, ?::text)'
        : '(?, ?, ?, ?, ?, ?, ?)';
      const bindings = chunk.flatMap(d => [
        d.issueId,
        d.count,
        d.firstSeen,
        d.lastSeen,
        d.level,
        d.firstRelease,
        d.lastRelease,
      ]);
      const sql = `
        WITH v(id, n, first_seen, last_seen, level, first_release, last_release) AS (
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
        RETURNING issues.id, issues.status`;
      const result = await tx.raw(sql, [...bindings, new Date()]);
      const returned: Array<{ id: string; status: string }> = pg
        ? result.rows
        : result;
      for (const r of returned) statuses.set(r.id, r.status);
    }
    return statuses;
  }

  private eventRow(
    event: NormalizedEvent,
    issueIds: Map<string, string>,
  ): RawDbEventRow {
    const common = {
      entity_ref: event.entityRef,
      event_id: event.eventId,
      type: event.type,
      timestamp: new Date(event.timestamp),
      level: event.level,
      platform: event.platform,
      release: event.release ?? null,
      environment: event.environment ?? null,
      user_key: eventUserKey(event.user),
      data: eventData(event),
    };
    if (event.type === 'transaction') {
      return {
        ...common,
        issue_id: null,
        message: null,
        transaction: event.transaction,
        op: event.op ?? null,
        transaction_status: event.status ?? null,
        duration_ms: event.durationMs,
        span_hashes: JSON.stringify(event.spans.map(s => s.hash)),
      };
    }
    return {
      ...common,
      issue_id: issueIds.get(key(event.entityRef, event.groupHash)) ?? null,
      message: event.message ?? event.title,
      transaction: event.transaction ?? null,
      op: null,
      transaction_status: null,
      duration_ms: null,
      span_hashes: null,
    };
  }

  /** `_get_or_create_release_many`: one row per entity and version, first/last seen widened. */
  private async upsertReleases(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ) {
    const sorted = releaseRows(events);
    if (sorted.length === 0) return;
    const [greatest, least] = this.pg ? ['greatest', 'least'] : ['max', 'min'];
    for (const chunk of chunks(sorted)) {
      await tx('releases')
        .insert(chunk)
        .onConflict(['entity_ref', 'version'])
        .merge({
          first_seen: tx.raw(
            `${least}(releases.first_seen, excluded.first_seen)`,
          ),
          last_seen: tx.raw(
            `${greatest}(releases.last_seen, excluded.last_seen)`,
          ),
        });
    }
  }

  /** `_get_or_create_environment_many`. */
  private async upsertEnvironments(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ) {
    const sorted = environmentRows(events);
    for (const chunk of chunks(sorted)) {
      await tx('environments')
        .insert(chunk)
        .onConflict(['entity_ref', 'name'])
        .ignore();
    }
  }

  /** `_get_event_user_many`: one row per entity and user key; newer details win. */
  private async upsertEventUsers(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ) {
    const sorted = eventUserRows(events);
    if (sorted.length === 0) return;
    const [greatest, least] = this.pg ? ['greatest', 'least'] : ['max', 'min'];
    for (const chunk of chunks(sorted)) {
      await tx('event_users')
        .insert(chunk)
        .onConflict(['entity_ref', 'user_key'])
        .merge({
          user_id: tx.raw('COALESCE(excluded.user_id, event_users.user_id)'),
          email: tx.raw('COALESCE(excluded.email, event_users.email)'),
          username: tx.raw('COALESCE(excluded.username, event_users.username)'),
          ip_address: tx.raw(
            'COALESCE(excluded.ip_address, event_users.ip_address)',
          ),
          first_seen: tx.raw(
            `${least}(event_users.first_seen, excluded.first_seen)`,
          ),
          last_seen: tx.raw(
            `${greatest}(event_users.last_seen, excluded.last_seen)`,
          ),
        });
    }
  }

  private async addOutcomes(
    db: Knex | Knex.Transaction,
    outcomes: Array<{ entityRef: string; outcome: string; count: number }>,
  ) {
    const rows = outcomeRows(outcomes);
    if (rows.length === 0) return;
    await db('event_outcomes')
      .insert(rows)
      .onConflict(['entity_ref', 'outcome'])
      .merge({ count: db.raw('event_outcomes.count + excluded.count') });
  }
}

/**
 * The `data` column: the normalized event without what the row's own columns already hold
 * (entity, id, type, timestamp, level, platform, release, environment; a transaction's name, op,
 * status and duration), so each row carries its stack traces and context once.
 */
export function eventData(event: NormalizedEvent): string {
  if (event.type === 'transaction') {
    const {
      entityRef,
      eventId,
      type,
      timestamp,
      level,
      platform,
      release,
      environment,
      transaction,
      op,
      status,
      durationMs,
      ...details
    } = event;
    return JSON.stringify(details);
  }
  const {
    entityRef,
    eventId,
    type,
    timestamp,
    level,
    platform,
    release,
    environment,
    ...details
  } = event;
  return JSON.stringify(details);
}

/** `_get_or_create_release_many`'s rows, in key order (the order their row locks are taken). */
function releaseRows(events: NormalizedEvent[]) {
  const rows = new Map<
    string,
    { entity_ref: string; version: string; first_seen: Date; last_seen: Date }
  >();
  for (const event of events) {
    if (!event.release) continue;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, event.release);
    const row = rows.get(k);
    if (!row)
      rows.set(k, {
        entity_ref: event.entityRef,
        version: event.release,
        first_seen: at,
        last_seen: at,
      });
    else {
      if (at < row.first_seen) row.first_seen = at;
      if (at > row.last_seen) row.last_seen = at;
    }
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.version) < key(b.entity_ref, b.version) ? -1 : 1,
  );
}

/** `_get_or_create_environment_many`'s rows, in key order. */
function environmentRows(events: NormalizedEvent[]) {
  const rows = new Map<
    string,
    { entity_ref: string; name: string; first_seen: Date }
  >();
  for (const event of events) {
    if (!event.environment) continue;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, event.environment);
    const row = rows.get(k);
    if (!row)
      rows.set(k, {
        entity_ref: event.entityRef,
        name: event.environment,
        first_seen: at,
      });
    else if (at < row.first_seen) row.first_seen = at;
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.name) < key(b.entity_ref, b.name) ? -1 : 1,
  );
}

/** `_get_event_user_many`'s rows, in key order: one per entity and user key, newer details win. */
function eventUserRows(events: NormalizedEvent[]) {
  const rows = new Map<
    string,
    {
      entity_ref: string;
      user_key: string;
      user_id: string | null;
      email: string | null;
      username: string | null;
      ip_address: string | null;
      first_seen: Date;
      last_seen: Date;
    }
  >();
  for (const event of events) {
    const userKey = eventUserKey(event.user);
    if (!userKey) continue;
    const user = event.user!;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, userKey);
    const row = rows.get(k);
    if (!row || at >= row.last_seen) {
      rows.set(k, {
        entity_ref: event.entityRef,
        user_key: userKey,
        user_id: user.id ?? row?.user_id ?? null,
        email: user.email ?? row?.email ?? null,
        username: user.username ?? row?.username ?? null,
        ip_address: user.ipAddress ?? row?.ip_address ?? null,
        first_seen: row && row.first_seen < at ? row.first_seen : at,
        last_seen: at,
      });
    } else if (at < row.first_seen) {
      row.first_seen = at;
    }
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.user_key) < key(b.entity_ref, b.user_key) ? -1 : 1,
  );
}

function outcomeRows(
  outcomes: Array<{ entityRef: string; outcome: string; count: number }>,
) {
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
