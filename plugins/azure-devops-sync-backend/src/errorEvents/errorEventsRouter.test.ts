import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { DatabaseIssueStore } from '../database/DatabaseIssueStore';
import { DatabaseOutboxStore } from '../database/DatabaseOutboxStore';
import { getMigratedClient } from '../database/migrations';
import { IssueService } from '../issues/IssueService';
import { MAX_JSON_DEPTH } from '../api/jsonDepth';
import { RouteAuthorizer } from '../http/permissions';
import { DatabaseErrorEventStore } from './DatabaseErrorEventStore';
import { ErrorEventIngestor } from './ErrorEventIngestor';
import { EVENT_SAVED_TOPIC, errorEventsRouter } from './errorEventsRouter';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

function errorEvent(overrides: Record<string, unknown> = {}) {
  return {
    entityRef: ENTITY,
    timestamp: 1795000000,
    platform: 'node',
    exception: {
      values: [
        {
          type: 'RangeError',
          value: 'Invalid amount -1',
          stacktrace: {
            frames: [
              {
                filename: 'src/index.ts',
                function: 'main',
                lineno: 3,
                in_app: true,
              },
              {
                filename: 'src/pay.ts',
                module: 'pay',
                function: 'charge',
                lineno: 40,
                in_app: true,
              },
            ],
          },
        },
      ],
    },
    ...overrides,
  };
}

const TABLES = [
  'events',
  'issues',
  'releases',
  'environments',
  'event_users',
  'issue_activity',
];

async function rowCounts(knex: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await knex(table).count({ n: '*' });
    counts[table] = Number(row.n);
  }
  return counts;
}

describe.each(databases.eachSupportedId())(
  'error events routes (%s)',
  databaseId => {
    async function setup() {
      const { database } = await initDatabaseService(databases, databaseId);
      const knex = await getMigratedClient(database);
      const issues = new DatabaseIssueStore(knex);
      const events = new ErrorEventIngestor({
        store: new DatabaseErrorEventStore(knex),
        issueService: new IssueService({
          issues,
          outbox: new DatabaseOutboxStore(knex),
        }),
      });
      const catalog = catalogServiceMock({
        entities: [component('payments-api'), component('checkout')],
      });
      const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
      const eventsService = {
        publish: jest.fn(async () => {}),
        subscribe: jest.fn(),
      };
      const authorizer = new RouteAuthorizer(
        mockServices.httpAuth(),
        mockServices.permissions(),
      );
      const app = express()
        .use(errorEventsRouter({ events, authorizer, catalog, eventsService }))
        .use(mockErrorHandler());
      return { knex, app, issues, getEntityByRef, eventsService };
    }

    it('saves one event and returns its id and issue', async () => {
      const { app, eventsService, issues } = await setup();
      const res = await request(app)
        .post('/events')
        .send(errorEvent({ event_id: 'ABCDEF01-2345-6789-abcd-ef0123456789' }));
      expect(res.status).toBe(201);
      expect(res.body.items).toEqual([
        {
          eventId: 'abcdef0123456789abcdef0123456789',
          type: 'error',
          issueId: expect.any(String),
          outcome: 'accepted',
        },
      ]);
      const issue = await issues.get(res.body.items[0].issueId);
      expect(issue).toMatchObject({
        shortId: 'PAYMENTS-API-1',
        title: 'RangeError: Invalid amount -1',
        culprit: 'pay in charge',
      });
      expect(eventsService.publish).toHaveBeenCalledWith({
        topic: EVENT_SAVED_TOPIC,
        eventPayload: {
          entityRef: ENTITY,
          eventId: 'abcdef0123456789abcdef0123456789',
          type: 'error',
          issueId: issue!.id,
        },
      });
    });

    it('saves a batch, looking each entity up once, and reports duplicates', async () => {
      const { app, getEntityByRef, eventsService } = await setup();
      const body = [
        errorEvent({ event_id: '1'.repeat(32) }),
        errorEvent({ event_id: '1'.repeat(32) }),
        errorEvent({
          entityRef: 'component:checkout',
          message: 'Order 1234 failed',
          exception: undefined,
        }),
        {
          entityRef: ENTITY,
          type: 'transaction',
          transaction: '/pay',
          start_timestamp: '2026-11-20T10:00:00Z',
          timestamp: '2026-11-20T10:00:01.5Z',
          spans: [{ op: 'db', description: "select 1 from t where a = 'x'" }],
        },
      ];
      const res = await request(app).post('/events').send(body);
      expect(res.status).toBe(201);
      expect(res.body.items.map((i: any) => [i.type, i.outcome])).toEqual([
        ['error', 'accepted'],
        ['error', 'duplicate'],
        ['error', 'accepted'],
        ['transaction', 'accepted'],
      ]);
      expect(res.body.items[3].issueId).toBeUndefined();
      expect(getEntityByRef).toHaveBeenCalledTimes(2);
      expect(eventsService.publish).toHaveBeenCalledTimes(3);

      const stats = await request(app)
        .get('/events/stats')
        .query({ entityRef: 'Component:default/Payments-API' });
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({ accepted: 2, invalid: 0, duplicate: 1 });
    });

    it("counts each issue's events per hour (24) and per day (14) for its sparkline", async () => {
      const { app } = await setup();
      const ago = (hours: number) => Date.now() / 1000 - hours * 3600;
      const a = (hours: number) =>
        errorEvent({ timestamp: ago(hours), fingerprint: ['a'] });
      const b = (hours: number) =>
        errorEvent({ timestamp: ago(hours), fingerprint: ['b'] });
      const saved = await request(app)
        .post('/events')
        .send([
          a(0.5),
          a(0.5),
          a(0.5),
          a(5.5),
          a(3.5 * 24),
          a(3.5 * 24),
          b(2.5 * 24),
          // Older than 14 days, another entity, a transaction: none of them count.
          b(20 * 24),
          errorEvent({
            timestamp: ago(1),
            entityRef: 'component:default/checkout',
          }),
          {
            entityRef: ENTITY,
            type: 'transaction',
            transaction: 'GET /pay',
            start_timestamp: ago(1),
            timestamp: ago(1) + 0.2,
          },
        ]);
      expect(saved.status).toBe(201);
      const issueA = saved.body.items[0].issueId;
      const issueB = saved.body.items[6].issueId;

      const res = await request(app)
        .get('/events/trends')
        .query({ entityRef: ENTITY });
      expect(res.status).toBe(200);
      expect(Date.parse(res.body.generatedAt)).toBeGreaterThan(0);
      const byIssue = new Map<string, any>(
        res.body.items.map((t: any) => [t.issueId, t]),
      );
      expect([...byIssue.keys()].sort()).toEqual([issueA, issueB].sort());

      const hourly = Array(24).fill(0);
      hourly[23] = 3;
      hourly[18] = 1;
      const daily = Array(14).fill(0);
      daily[13] = 4;
      daily[10] = 2;
      expect(byIssue.get(issueA)).toEqual({
        issueId: issueA,
        last24h: hourly,
        last14d: daily,
      });
      expect(byIssue.get(issueB).last24h).toEqual(Array(24).fill(0));
      expect(byIssue.get(issueB).last14d[11]).toBe(1);
      expect(
        byIssue.get(issueB).last14d.reduce((x: number, y: number) => x + y),
      ).toBe(1);

      const bad = await request(app)
        .get('/events/trends')
        .query({ entityRef: 'not a ref' });
      expect(bad.status).toBe(400);
    });

    it('rejects a batch with one invalid event, naming the field, and stores nothing', async () => {
      const { app, knex } = await setup();
      const before = await rowCounts(knex);
      const res = await request(app)
        .post('/events')
        .send([
          errorEvent(),
          errorEvent(),
          errorEvent(),
          errorEvent({ level: 'loud' }),
        ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^events\[3\]\.level: expected one of fatal, error/,
      );
      expect(await rowCounts(knex)).toEqual(before);
      // The whole request was dropped, so every one of its events counts as invalid.
      const stats = await request(app)
        .get('/events/stats')
        .query({ entityRef: ENTITY });
      expect(stats.body).toEqual({ accepted: 0, invalid: 4, duplicate: 0 });
    });

    it.each([
      [
        { ...errorEvent(), timestamp: 'yesterday' },
        'event.timestamp: expected an ISO 8601 date or epoch seconds',
      ],
      [
        { ...errorEvent(), event_id: 'nope' },
        'event.event_id: expected 32 hex digits or a UUID',
      ],
      [
        { ...errorEvent(), tags: { 'a b': 'x' } },
        'event.tags[0][0]: tag keys cannot contain whitespace',
      ],
      [
        { ...errorEvent(), user: { ip_address: 'here' } },
        'event.user.ip_address: not an IP address',
      ],
      [
        errorEvent({
          exception: {
            values: [{ type: 'E', stacktrace: { frames: [{ lineno: 'x' }] } }],
          },
        }),
        'event.exception.values[0].stacktrace.frames[0].lineno',
      ],
      [
        { entityRef: ENTITY, type: 'transaction', transaction: 't' },
        'event.start_timestamp: required for a transaction',
      ],
      [{ message: 'x' }, 'event.entityRef: Required'],
      [['just text'], 'events[0]: expected an event object'],
      [[], 'events: expected at least one event'],
    ])('rejects %j', async (body, message) => {
      const { app, knex } = await setup();
      const res = await request(app)
        .post('/events')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect((await rowCounts(knex)).events).toBe(0);
    });

    it('rejects an event for an entity that is not in the catalog', async () => {
      const { app, knex } = await setup();
      const res = await request(app)
        .post('/events')
        .send([
          errorEvent(),
          errorEvent({ entityRef: 'component:default/ghost' }),
        ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'events[1].entityRef: no catalog entity component:default/ghost',
      );
      expect(await rowCounts(knex)).toEqual(
        Object.fromEntries(TABLES.map(t => [t, 0])),
      );
    });

    it('rejects more than 1000 events', async () => {
      const { app } = await setup();
      const res = await request(app)
        .post('/events')
        .send(
          Array.from({ length: 1001 }, () => ({
            entityRef: ENTITY,
            message: 'm',
          })),
        );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'events: at most 1000 events per request',
      );
    });

    it.each([
      ['just past the limit', MAX_JSON_DEPTH + 1],
      ['far past it', 200_000],
    ])(
      'rejects JSON nested %s with a 400 and stores nothing',
      async (_name, depth) => {
        const { app, knex } = await setup();
        // The event is level 1, contexts 2, then `depth - 2` nested objects: `depth` levels in all.
        const nested = `${'{"a":'.repeat(depth - 2)}1${'}'.repeat(depth - 2)}`;
        const body = `{"entityRef":"${ENTITY}","message":"m","contexts":{"x":${nested}}}`;
        const res = await request(app)
          .post('/events')
          .set('Content-Type', 'application/json')
          .send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(
          `nests deeper than ${MAX_JSON_DEPTH} levels`,
        );
        expect(await rowCounts(knex)).toEqual(
          Object.fromEntries(TABLES.map(t => [t, 0])),
        );
      },
    );

    it('accepts JSON nested up to the limit', async () => {
      const { app } = await setup();
      const nested = `${'{"a":'.repeat(MAX_JSON_DEPTH - 2)}1${'}'.repeat(
        MAX_JSON_DEPTH - 2,
      )}`;
      const res = await request(app)
        .post('/events')
        .set('Content-Type', 'application/json')
        .send(
          `{"entityRef":"${ENTITY}","message":"m","contexts":{"x":${nested}}}`,
        );
      expect(res.status).toBe(201);
    });

    it('answers a body that is not JSON with a 400, and one over 10 MB with a 413', async () => {
      const { app } = await setup();
      const broken = await request(app)
        .post('/events')
        .set('Content-Type', 'application/json')
        .send('{"entityRef": ');
      expect(broken.status).toBe(400);
      const huge = await request(app)
        .post('/events')
        .set('Content-Type', 'application/json')
        .send(`[${'"x",'.repeat(2_700_000)}"x"]`);
      expect(huge.status).toBe(413);
    });

    it('requires credentials', async () => {
      const { app } = await setup();
      const res = await request(app)
        .post('/events')
        .set('Authorization', mockCredentials.none.header())
        .send(errorEvent());
      expect(res.status).toBe(401);
      const stats = await request(app)
        .get('/events/stats')
        .query({ entityRef: ENTITY })
        .set('Authorization', mockCredentials.none.header());
      expect(stats.status).toBe(401);
    });

    it('requires entityRef for stats', async () => {
      const { app } = await setup();
      const res = await request(app).get('/events/stats');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('entityRef');
    });
  },
);
