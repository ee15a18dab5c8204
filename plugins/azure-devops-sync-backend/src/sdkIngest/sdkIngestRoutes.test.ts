import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { Knex } from 'knex';
import { gzipSync, deflateSync } from 'node:zlib';
import request from 'supertest';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { DatabaseIssueStore } from '../database/DatabaseIssueStore';
import { DatabaseOutboxStore } from '../database/DatabaseOutboxStore';
import { getMigratedClient } from '../database/migrations';
import { DatabaseErrorEventStore } from '../errorEvents/DatabaseErrorEventStore';
import { ErrorEventIngestor } from '../errorEvents/ErrorEventIngestor';
import { RouteAuthorizer } from '../http/permissions';
import { jsonBody } from '../http/jsonBody';
import { IssueService } from '../issues/IssueService';
import { DatabaseSdkKeyStore } from './DatabaseSdkKeyStore';
import { projectIdOf } from './dsn';
import { EntityRateLimiter } from './EntityRateLimiter';
import { SdkKeyService } from './SdkKeyService';
import { sdkKeysRouter } from './sdkKeysRouter';
import { sentryIngestRouter } from './sentryIngestRouter';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';
const CONFIG_KEY = 'cfgkey0123456789cfgkey0123456789';
const PROJECT = projectIdOf(ENTITY);
const EVENT_ID = '9ec79c33ec9942ab8353589fcb2e04dc';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

function envelope(...events: object[]): Buffer {
  const lines = [
    JSON.stringify({ event_id: EVENT_ID, sent_at: '2026-12-03T10:00:00Z' }),
  ];
  for (const event of events) {
    lines.push(JSON.stringify({ type: 'event' }), JSON.stringify(event));
  }
  return Buffer.from(lines.join('\n'));
}

const sentryError = (value = 'Invalid amount -1') => ({
  platform: 'node',
  level: 'error',
  exception: {
    values: [
      {
        type: 'RangeError',
        value,
        stacktrace: {
          frames: [
            {
              filename: 'src/pay.ts',
              function: 'charge',
              lineno: 4,
              in_app: true,
            },
          ],
        },
      },
    ],
  },
});

describe.each(databases.eachSupportedId())(
  'SDK ingest routes (%s)',
  databaseId => {
    async function setup(
      options: {
        permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
        eventsPerMinute?: number;
        enabled?: boolean;
      } = {},
    ) {
      const { database } = await initDatabaseService(databases, databaseId);
      const knex = await getMigratedClient(database);
      const events = new ErrorEventIngestor({
        store: new DatabaseErrorEventStore(knex),
        issueService: new IssueService({
          issues: new DatabaseIssueStore(knex),
          outbox: new DatabaseOutboxStore(knex),
        }),
      });
      const sdkKeys = new SdkKeyService({
        store: new DatabaseSdkKeyStore(knex),
        settings: {
          configKeys: [{ publicKey: CONFIG_KEY, entityRef: ENTITY }],
          backendBaseUrl: 'https://backstage.example.com/',
        },
      });
      const authorizer = new RouteAuthorizer(
        mockServices.httpAuth(),
        mockServices.permissions({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
      );
      const loggedUrls: string[] = [];
      const app = express()
        // What Backstage's request log reads once the answer is sent.
        .use((req, res, next) => {
          res.on('finish', () => loggedUrls.push(req.originalUrl));
          next();
        })
        .use(
          sentryIngestRouter({
            sdkKeys,
            events,
            sdkRateLimiter: new EntityRateLimiter(
              options.eventsPerMinute ?? 600,
            ),
            sdkIngestEnabled: options.enabled ?? true,
          }),
        )
        .use(jsonBody({ limit: '1mb' }))
        .use(
          sdkKeysRouter({
            sdkKeys,
            authorizer,
            catalog: catalogServiceMock({
              entities: [component('payments-api')],
            }),
            sdkIngestEnabled: options.enabled ?? true,
          }),
        )
        .use(mockErrorHandler());
      const post = (
        body: Buffer,
        key: string | undefined = CONFIG_KEY,
        path = 'envelope',
      ) =>
        request(app)
          .post(
            `/sentry/api/${PROJECT}/${path}/${
              key ? `?sentry_version=7&sentry_key=${key}` : ''
            }`,
          )
          .set('Content-Type', 'application/x-sentry-envelope')
          .send(body);
      return { knex, app, post, loggedUrls };
    }

    const count = async (knex: Knex, table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    it('saves an envelope event on the key entity and answers {id}', async () => {
      const { knex, post, loggedUrls } = await setup();
      const res = await post(envelope(sentryError()));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: EVENT_ID });
      const [issue] = await knex('issues');
      expect(issue).toMatchObject({
        entity_ref: ENTITY,
        title: 'RangeError: Invalid amount -1',
      });
      // The key never reaches the request log.
      expect(loggedUrls[0]).toContain('sentry_key=[REDACTED]');
      expect(loggedUrls.join()).not.toContain(CONFIG_KEY);
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ])('reads a %s body', async (encoding, compress) => {
      const { knex, app } = await setup();
      const res = await request(app)
        .post(`/sentry/api/${PROJECT}/envelope/`)
        .set(
          'X-Sentry-Auth',
          `Sentry sentry_version=7, sentry_key=${CONFIG_KEY}, sentry_client=test/1`,
        )
        .set('Content-Encoding', encoding)
        .send(
          compress(envelope(sentryError(), sentryError('Invalid amount -2'))),
        );
      expect(res.status).toBe(200);
      expect(await count(knex, 'events')).toBe(2);
      expect((await knex('issues'))[0].times_seen).toBe(2);
    });

    it('takes one JSON event on /store/', async () => {
      const { knex, app } = await setup();
      const res = await request(app)
        .post(`/sentry/api/${PROJECT}/store/?sentry_key=${CONFIG_KEY}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...sentryError(), event_id: EVENT_ID }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: EVENT_ID });
      expect(await count(knex, 'events')).toBe(1);
    });

    it('acknowledges sessions and client reports without storing anything', async () => {
      const { knex, post } = await setup();
      const body = Buffer.from(
        [
          '{"sent_at":"2026-12-03T10:00:00Z"}',
          '{"type":"session"}',
          '{"sid":"abc","status":"ok"}',
          '{"type":"client_report"}',
          '{"discarded_events":[]}',
        ].join('\n'),
      );
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect(await count(knex, 'events')).toBe(0);
    });

    it.each([
      ['no key', '', /Missing sentry_key/],
      ['an unknown key', 'ffffffffffffffffffffffffffffffff', /Unknown SDK key/],
    ])('answers 401 to %s', async (_what, key, message) => {
      const { knex, post } = await setup();
      const res = await post(envelope(sentryError()), key);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(message);
      expect(await count(knex, 'events')).toBe(0);
    });

    it("refuses a key with another entity's project id", async () => {
      const { app } = await setup();
      const res = await request(app)
        .post(`/sentry/api/1/envelope/?sentry_key=${CONFIG_KEY}`)
        .send(envelope(sentryError()));
      expect(res.status).toBe(401);
    });

    it('creates, lists and revokes keys; a revoked key answers 403', async () => {
      const { knex, app, post } = await setup();
      const created = await request(app)
        .post('/sdk-keys')
        .send({ entityRef: 'Component:default/payments-api' });
      expect(created.status).toBe(201);
      const { publicKey } = created.body;
      expect(publicKey).toMatch(/^[0-9a-f]{32}$/);
      expect(created.body).toMatchObject({
        entityRef: ENTITY,
        projectId: PROJECT,
        source: 'api',
        dsn: `https://${publicKey}@backstage.example.com/api/azure-devops-sync/sentry/${PROJECT}`,
      });
      expect((await post(envelope(sentryError()), publicKey)).status).toBe(200);

      const listed = await request(app)
        .get('/sdk-keys')
        .query({ entityRef: ENTITY });
      expect(
        listed.body.items.map((k: any) => [k.publicKey, k.source]),
      ).toEqual([
        [CONFIG_KEY, 'config'],
        [publicKey, 'api'],
      ]);
      const other = await request(app)
        .get('/sdk-keys')
        .query({ entityRef: 'component:default/checkout' });
      expect(other.body.items).toEqual([]);

      expect((await request(app).delete(`/sdk-keys/${publicKey}`)).status).toBe(
        204,
      );
      const revoked = await post(envelope(sentryError()), publicKey);
      expect(revoked.status).toBe(403);
      expect(revoked.body.error.message).toMatch(/revoked/);
      expect(await count(knex, 'events')).toBe(1);
      const after = await request(app)
        .get('/sdk-keys')
        .query({ entityRef: ENTITY });
      expect(after.body.items.map((k: any) => k.publicKey)).toEqual([
        CONFIG_KEY,
      ]);

      expect(
        (await request(app).delete(`/sdk-keys/${CONFIG_KEY}`)).status,
      ).toBe(409);
      expect((await request(app).delete('/sdk-keys/nope')).status).toBe(404);
      const unknownEntity = await request(app)
        .post('/sdk-keys')
        .send({ entityRef: 'component:default/nope' });
      expect(unknownEntity.status).toBe(400);
      expect(unknownEntity.body.error.message).toMatch(/no catalog entity/);
    });

    it('answers 403 to every key route without the permission, showing no key', async () => {
      const { app } = await setup({ permission: AuthorizeResult.DENY });
      const create = await request(app)
        .post('/sdk-keys')
        .send({ entityRef: ENTITY });
      expect(create.status).toBe(403);
      expect(create.body.error.message).toMatch(
        /azure-devops-sync.sdk-key.create/,
      );
      const list = await request(app)
        .get('/sdk-keys')
        .query({ entityRef: ENTITY });
      expect(list.status).toBe(403);
      expect(JSON.stringify(list.body)).not.toContain(CONFIG_KEY);
      expect(
        (await request(app).delete(`/sdk-keys/${CONFIG_KEY}`)).status,
      ).toBe(403);
    });

    it('refuses a malformed envelope with a clear 400 and stores nothing', async () => {
      const { knex, post } = await setup();
      const res = await post(
        Buffer.from('{}\n{"type":"event","length":900}\n{}'),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Malformed envelope: item 0 (event): length 900 runs past the end of the envelope',
      );
      expect(await count(knex, 'events')).toBe(0);
    });

    it('refuses an envelope with an invalid event as a whole, counting it invalid', async () => {
      const { knex, post } = await setup();
      const res = await post(
        envelope(sentryError(), { message: 'x', timestamp: 'soon' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^item 1 \(event\)\.timestamp: /);
      expect(await count(knex, 'events')).toBe(0);
      const outcomes = await knex('event_outcomes').where({
        entity_ref: ENTITY,
        outcome: 'invalid',
      });
      expect(outcomes.length).toBeGreaterThan(0);
    });

    it('answers 400 to a body that does not decompress, 415 to an unknown encoding', async () => {
      const { app } = await setup();
      const url = `/sentry/api/${PROJECT}/envelope/?sentry_key=${CONFIG_KEY}`;
      const bad = await request(app)
        .post(url)
        .set('Content-Encoding', 'gzip')
        .send(Buffer.from('not gzip'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/not valid gzip data/);
      const odd = await request(app)
        .post(url)
        .set('Content-Encoding', 'compress')
        .send(envelope());
      expect(odd.status).toBe(415);
    });

    it('answers 413 over the size limits, as sent and decompressed', async () => {
      const { knex, app } = await setup();
      const url = `/sentry/api/${PROJECT}/envelope/?sentry_key=${CONFIG_KEY}`;
      const big = await request(app)
        .post(url)
        .send(Buffer.alloc(6 * 1024 * 1024, 0x20));
      expect(big.status).toBe(413);
      // 11 MiB of spaces gzip to about 11 KiB.
      const bomb = await request(app)
        .post(url)
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(Buffer.alloc(11 * 1024 * 1024, 0x20)));
      expect(bomb.status).toBe(413);
      expect(bomb.body.error.message).toMatch(
        /decompressed body is larger than 10 MiB/,
      );
      const bigEvent = await request(app)
        .post(url)
        .send(envelope({ message: 'x'.repeat(1024 * 1024 + 10) }));
      expect(bigEvent.status).toBe(413);
      expect(await count(knex, 'events')).toBe(0);
    });

    it('answers 429 with Retry-After and X-Sentry-Rate-Limits over the entity rate', async () => {
      const { knex, post } = await setup({ eventsPerMinute: 2 });
      expect(
        (await post(envelope(sentryError(), sentryError('b')))).status,
      ).toBe(200);
      const limited = await post(envelope(sentryError('c')));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['x-sentry-rate-limits']).toBe(
        `${limited.headers['retry-after']}:error;transaction;span:project`,
      );
      expect(await count(knex, 'events')).toBe(2);
    });

    it('answers CORS preflights on the envelope route only', async () => {
      const { app, loggedUrls } = await setup();
      const preflight = await request(app)
        .options(`/sentry/api/${PROJECT}/envelope/?sentry_key=${CONFIG_KEY}`)
        .set('Origin', 'https://shop.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type');
      expect(preflight.status).toBe(204);
      expect(loggedUrls.join()).not.toContain(CONFIG_KEY);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
      });
      const post = await request(app)
        .post(`/sentry/api/${PROJECT}/envelope/?sentry_key=${CONFIG_KEY}`)
        .set('Origin', 'https://shop.example.com')
        .send(envelope(sentryError()));
      expect(post.headers['access-control-allow-origin']).toBe('*');
      expect(post.headers['access-control-expose-headers']).toMatch(
        /X-Sentry-Rate-Limits/,
      );
      const store = await request(app)
        .post(`/sentry/api/${PROJECT}/store/?sentry_key=${CONFIG_KEY}`)
        .set('Origin', 'https://shop.example.com')
        .send(JSON.stringify(sentryError()));
      expect(store.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers 404 everywhere when sdkIngest is disabled', async () => {
      const { app, post } = await setup({ enabled: false });
      expect((await post(envelope(sentryError()))).status).toBe(404);
      expect((await request(app).get('/sdk-keys')).status).toBe(404);
    });
  },
);
