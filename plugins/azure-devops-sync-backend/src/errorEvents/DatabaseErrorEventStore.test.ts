import { Knex } from 'knex';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { DatabaseIssueStore } from '../database/DatabaseIssueStore';
import { DatabaseOutboxStore } from '../database/DatabaseOutboxStore';
import { getMigratedClient } from '../database/migrations';
import { IssueService } from '../issues/IssueService';
import { DatabaseErrorEventStore } from './DatabaseErrorEventStore';
import { ErrorEventIngestor } from './ErrorEventIngestor';
import { parseErrorEventBody } from './parseErrorEvents';
import type { NormalizedEvent } from './types';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';

function frames(functions: string[], line = 10) {
  return functions.map((fn, i) => ({
    filename: `src/${fn}.ts`,
    module: `app.${fn}`,
    function: fn,
    lineno: line + i,
    colno: 3,
    in_app: true,
  }));
}

function errorEvent(overrides: Record<string, unknown> = {}) {
  return {
    entityRef: ENTITY,
    timestamp: '2026-11-20T10:00:00Z',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'id')",
          stacktrace: { frames: frames(['main', 'handler', 'charge']) },
        },
      ],
    },
    ...overrides,
  };
}

function normalize(body: unknown): NormalizedEvent[] {
  const { events, errors } = parseErrorEventBody(body);
  expect(errors).toEqual([]);
  return events;
}

async function count(knex: Knex, table: string): Promise<number> {
  const [row] = await knex(table).count({ n: '*' });
  return Number(row.n);
}

describe.each(databases.eachSupportedId())(
  'DatabaseErrorEventStore (%s)',
  databaseId => {
    async function setup() {
      const { database } = await initDatabaseService(databases, databaseId);
      const knex = await getMigratedClient(database);
      const issues = new DatabaseIssueStore(knex);
      const issueService = new IssueService({
        issues,
        outbox: new DatabaseOutboxStore(knex),
      });
      const store = new DatabaseErrorEventStore(knex);
      // Saving goes through the ingestor, as POST /events does: it reopens regressions.
      const events = new ErrorEventIngestor({ store, issueService });
      return { knex, issues, issueService, store, events };
    }

    it('saves concurrent requests that bring the same new groups: every event, one issue per group, short ids 1..n', async () => {
      const { events, knex } = await setup();
      const GROUPS = 12;
      // Eight requests at once (more than the retries a request gets), each with an event of
      // every group in its own order: creators of one entity's issues must queue, not collide.
      const request = (r: number) =>
        normalize(
          Array.from({ length: GROUPS }, (_, i) => {
            const g = (i + r * 5) % GROUPS;
            return errorEvent({
              fingerprint: [`group-${g}`],
              message: `group ${g}`,
            });
          }),
        );
      const REQUESTS = 8;
      const saved = await Promise.all(
        Array.from({ length: REQUESTS }, (_, r) => events.save(request(r))),
      );
      expect(saved.flat().filter(s => s.outcome === 'accepted')).toHaveLength(
        REQUESTS * GROUPS,
      );
      const rows = await knex('issues')
        .where({ entity_ref: ENTITY })
        .select('short_seq', 'times_seen');
      expect(rows.map(r => Number(r.short_seq)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: GROUPS }, (_, i) => i + 1),
      );
      expect(rows.every(r => Number(r.times_seen) === REQUESTS)).toBe(true);
      expect(await count(knex, 'events')).toBe(REQUESTS * GROUPS);
    });

    it('groups by in-app frames, ignoring line numbers, and keeps issue aggregates', async () => {
      const { events, issues } = await setup();
      const saved = await events.save(
        normalize([
          errorEvent({ level: 'warning', release: 'web@1.0.0' }),
          errorEvent({
            timestamp: '2026-11-20T11:00:00Z',
            level: 'fatal',
            release: 'web@1.1.0',
            exception: {
              values: [
                {
                  type: 'TypeError',
                  value: "Cannot read properties of undefined (reading 'name')",
                  stacktrace: {
                    frames: frames(['main', 'handler', 'charge'], 99),
                  },
                },
              ],
            },
          }),
          errorEvent({
            exception: {
              values: [
                {
                  type: 'TypeError',
                  value: 'x',
                  stacktrace: { frames: frames(['main', 'refund']) },
                },
              ],
            },
          }),
        ]),
      );
      expect(saved.map(s => s.outcome)).toEqual([
        'accepted',
        'accepted',
        'accepted',
      ]);
      expect(saved[0].issueId).toBe(saved[1].issueId);
      expect(saved[2].issueId).not.toBe(saved[0].issueId);

      const list = await issues.list({ entityRef: ENTITY });
      expect(list).toHaveLength(2);
      const first = await issues.get(saved[0].issueId!);
      expect(first).toMatchObject({
        shortId: 'PAYMENTS-API-1',
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        culprit: 'app.charge in charge',
        level: 'fatal',
        status: 'unresolved',
        timesSeen: 2,
        firstSeen: '2026-11-20T10:00:00.000Z',
        lastSeen: '2026-11-20T11:00:00.000Z',
      });
      expect((await issues.get(saved[2].issueId!))!.shortId).toBe(
        'PAYMENTS-API-2',
      );
    });

    it('groups by an explicit fingerprint across different stacks', async () => {
      const { events, issues } = await setup();
      const saved = await events.save(
        normalize([
          errorEvent({ fingerprint: ['payment-timeout'] }),
          errorEvent({
            fingerprint: ['payment-timeout'],
            exception: { values: [{ type: 'Other', value: 'y' }] },
          }),
        ]),
      );
      expect(saved[0].issueId).toBe(saved[1].issueId);
      expect(await issues.list({ entityRef: ENTITY })).toHaveLength(1);
      // A later request lands in the same issue, with a new short id only for a new group.
      const later = await events.save(
        normalize(errorEvent({ fingerprint: ['payment-timeout'] })),
      );
      expect(later[0].issueId).toBe(saved[0].issueId);
      expect((await issues.get(saved[0].issueId!))!.timesSeen).toBe(3);
    });

    it('counts a repeated event id once, within a request and across requests', async () => {
      const { events, issues, knex } = await setup();
      const id = 'a'.repeat(32);
      const first = await events.save(
        normalize([errorEvent({ event_id: id }), errorEvent({ event_id: id })]),
      );
      expect(first.map(s => s.outcome)).toEqual(['accepted', 'duplicate']);
      const again = await events.save(normalize(errorEvent({ event_id: id })));
      expect(again[0]).toMatchObject({
        outcome: 'duplicate',
        issueId: first[0].issueId,
      });
      expect((await issues.get(first[0].issueId!))!.timesSeen).toBe(1);
      expect(await count(knex, 'events')).toBe(1);
      expect(await events.stats(ENTITY)).toEqual({
        accepted: 1,
        invalid: 0,
        duplicate: 2,
      });
      await events.recordInvalid(new Map([[ENTITY, 3]]));
      expect(await events.stats(ENTITY)).toEqual({
        accepted: 1,
        invalid: 3,
        duplicate: 2,
      });
    });

    it('reopens a resolved issue as a regression and queues one outbound job per link', async () => {
      const { events, issues, issueService, knex } = await setup();
      const [saved] = await events.save(normalize(errorEvent()));
      const issueId = saved.issueId!;
      await knex('organizations').insert({
        id: 'org-1',
        name: 'fabrikam',
        domain_name: 'https://dev.azure.com/fabrikam/',
      });
      for (const workItemId of [11, 12]) {
        await knex('issue_links').insert({
          issue_id: issueId,
          organization_id: 'org-1',
          work_item_id: workItemId,
          url: `https://dev.azure.com/fabrikam/_workitems/edit/${workItemId}`,
        });
      }
      await issueService.applyChange(
        issueId,
        { status: 'resolved' },
        {
          source: { kind: 'user', userEntityRef: 'user:default/alice' },
          sendToAdo: false,
        },
      );
      expect(await count(knex, 'outbox_jobs')).toBe(0);

      await events.save(
        normalize(errorEvent({ timestamp: '2026-11-21T10:00:00Z' })),
      );
      const issue = await issues.get(issueId);
      expect(issue).toMatchObject({ status: 'unresolved', timesSeen: 2 });
      const activity = await issues.listActivity(issueId);
      expect(activity.map(a => a.type)).toEqual(['set_resolved', 'regression']);
      expect(activity[1].source).toEqual({ kind: 'system' });
      const jobs = await knex('outbox_jobs').orderBy('work_item_id');
      expect(jobs).toHaveLength(2);
      expect(
        jobs.map(j => [j.work_item_id, j.status, JSON.parse(j.payload)]),
      ).toEqual([
        [11, 'pending', { kind: 'status', status: 'unresolved' }],
        [12, 'pending', { kind: 'status', status: 'unresolved' }],
      ]);

      // An unresolved issue seeing more events is no regression.
      await events.save(normalize(errorEvent()));
      expect(await issues.listActivity(issueId)).toHaveLength(2);
    });

    it('reports a resolved issue hit by a new event, and leaves reopening to the caller', async () => {
      const { store, issues, knex } = await setup();
      const save = (body: unknown) =>
        knex.transaction(tx => store.saveIn(tx, normalize(body)));
      const first = await save(errorEvent());
      expect(first.resolvedHit).toEqual([]);
      const issueId = first.events[0].issueId!;
      await knex('issues')
        .where({ id: issueId })
        .update({ status: 'resolved' });

      const again = await save(
        errorEvent({ timestamp: '2026-11-21T10:00:00Z' }),
      );
      expect(again.resolvedHit).toEqual([issueId]);
      expect(again.events[0]).toMatchObject({ issueId, outcome: 'accepted' });
      expect(await issues.get(issueId)).toMatchObject({
        status: 'resolved',
        timesSeen: 2,
      });
      // A duplicate is no new event: nothing to reopen.
      const duplicate = await save(
        errorEvent({ event_id: again.events[0].eventId }),
      );
      expect(duplicate.resolvedHit).toEqual([]);
      expect(await issues.listActivity(issueId)).toEqual([]);
    });

    it('stores transactions with duration, op, status and span hashes', async () => {
      const { events, knex } = await setup();
      const [saved] = await events.save(
        normalize({
          entityRef: ENTITY,
          type: 'transaction',
          transaction: 'GET /payments/:id',
          start_timestamp: 1795000000,
          timestamp: 1795000000.25,
          release: 'web@1.0.0',
          environment: 'production',
          user: { id: 42, email: 'a@example.com' },
          contexts: { trace: { op: 'http.server', status: 'ok' } },
          spans: [
            {
              op: 'db',
              description: 'SELECT * FROM payments WHERE id = 17',
              span_id: 'a1',
            },
            {
              op: 'db',
              description: 'SELECT * FROM payments WHERE id = 99',
              span_id: 'a2',
            },
            {
              op: 'http.client',
              description: 'GET https://bank/api/accounts/5?x=1',
              span_id: 'a3',
            },
          ],
        }),
      );
      expect(saved).toMatchObject({ type: 'transaction', outcome: 'accepted' });
      expect(saved.issueId).toBeUndefined();
      const row = await knex('events')
        .where({ event_id: saved.eventId })
        .first();
      expect(row).toMatchObject({
        type: 'transaction',
        transaction: 'GET /payments/:id',
        op: 'http.server',
        transaction_status: 'ok',
        release: 'web@1.0.0',
        environment: 'production',
        user_key: 'id:42',
        issue_id: null,
      });
      expect(Number(row.duration_ms)).toBe(250);
      const hashes = JSON.parse(row.span_hashes);
      expect(hashes).toHaveLength(3);
      expect(hashes[0]).toMatch(/^[0-9a-f]{16}$/);
      expect(hashes[0]).toBe(hashes[1]);
      expect(hashes[2]).not.toBe(hashes[0]);
      expect(await count(knex, 'issues')).toBe(0);
    });

    it('records releases, environments and event users once each', async () => {
      const { events, knex, issues } = await setup();
      await events.save(
        normalize([
          errorEvent({
            release: 'web@1.0.0',
            environment: 'production',
            user: { id: 'u1' },
          }),
          errorEvent({
            timestamp: '2026-11-20T12:00:00Z',
            release: 'web@1.1.0',
            environment: 'production',
            user: { id: 'u1', email: 'u1@example.com' },
          }),
        ]),
      );
      await events.save(
        normalize(
          errorEvent({
            timestamp: '2026-11-20T13:00:00Z',
            release: 'web@1.1.0',
            environment: 'staging',
          }),
        ),
      );
      expect(
        (await knex('releases').orderBy('version')).map(r => r.version),
      ).toEqual(['web@1.0.0', 'web@1.1.0']);
      expect(
        (await knex('environments').orderBy('name')).map(r => r.name),
      ).toEqual(['production', 'staging']);
      const users = await knex('event_users');
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({
        user_key: 'id:u1',
        user_id: 'u1',
        email: 'u1@example.com',
      });
      const [issue] = await issues.list({ entityRef: ENTITY });
      const row = await knex('issues').where({ id: issue.id }).first();
      expect(row).toMatchObject({
        first_release: 'web@1.0.0',
        last_release: 'web@1.1.0',
        times_seen: 3,
      });
    });

    it('creates one issue when two requests race on a new group', async () => {
      const { events, issues } = await setup();
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          events.save(
            normalize([errorEvent(), errorEvent({ fingerprint: ['other'] })]),
          ),
        ),
      );
      const ids = new Set(results.map(r => r[0].issueId));
      expect(ids.size).toBe(1);
      const list = await issues.list({ entityRef: ENTITY });
      expect(list).toHaveLength(2);
      expect(list.map(i => i.timesSeen)).toEqual([4, 4]);
      expect(list.map(i => i.shortId).sort()).toEqual([
        'PAYMENTS-API-1',
        'PAYMENTS-API-2',
      ]);
    });
  },
);
