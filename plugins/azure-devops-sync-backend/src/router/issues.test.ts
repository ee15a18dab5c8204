import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { createStores } from '../database/createStores';
import { DatabaseErrorEventStore } from '../errorEvents/DatabaseErrorEventStore';
import { parseErrorEventBody } from '../errorEvents/parseErrorEvents';
import { IssueService } from '../issues/IssueService';
import { issuesRouter } from './issues';
import { RouteAuthorizer } from '../http/permissions';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';

describe.each(databases.eachSupportedId())('issues routes (%s)', databaseId => {
  async function setup() {
    const { database } = await initDatabaseService(databases, databaseId);
    const { knex, issues, outbox } = await createStores({ database });
    const issueService = new IssueService({ issues, outbox });
    const errorEvents = new DatabaseErrorEventStore(knex);
    const { events: normalized } = parseErrorEventBody([
      { entityRef: ENTITY, message: 'Payment 1 failed', timestamp: 1795000000 },
      { entityRef: ENTITY, message: 'Payment 2 failed', timestamp: 1795000100 },
      {
        entityRef: ENTITY,
        message: 'Disk full',
        level: 'fatal',
        timestamp: 1795000200,
      },
      {
        entityRef: 'component:default/checkout',
        message: 'Other',
        timestamp: 1795000000,
      },
    ]);
    const { events: saved } = await knex.transaction(tx =>
      errorEvents.saveIn(tx, normalized),
    );
    const authorizer = new RouteAuthorizer(
      mockServices.httpAuth(),
      mockServices.permissions(),
    );
    const app = express()
      .use(issuesRouter({ issues, authorizer }))
      .use(mockErrorHandler());
    return { app, knex, issueService, saved };
  }

  /** `count` activity rows, some sharing a timestamp (the id breaks ties). */
  async function insertActivity(
    knex: Knex,
    issueId: string,
    count: number,
  ): Promise<void> {
    const base = Date.parse('2026-12-01T00:00:00Z');
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `a-${String(i).padStart(4, '0')}`,
      issue_id: issueId,
      type: 'comment',
      source_kind: 'system',
      data: JSON.stringify({ text: `note ${i}` }),
      // Three items per second.
      created_at: new Date(base + Math.floor(i / 3) * 1000),
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await knex('issue_activity').insert(rows.slice(i, i + 100));
    }
  }

  it('lists an entity’s issues, newest first, filtered by status', async () => {
    const { app, issueService, saved } = await setup();
    const res = await request(app)
      .get('/issues')
      .query({ entityRef: 'Component:default/Payments-API' });
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((i: any) => [
        i.shortId,
        i.title,
        i.timesSeen,
        i.level,
      ]),
    ).toEqual([
      ['PAYMENTS-API-2', 'Disk full', 1, 'fatal'],
      ['PAYMENTS-API-1', 'Payment 1 failed', 2, 'error'],
    ]);
    expect(res.body.items[0]).toMatchObject({
      entityRef: ENTITY,
      status: 'unresolved',
      assignee: null,
      links: [],
      firstSeen: expect.any(String),
      lastSeen: expect.any(String),
      culprit: '',
    });

    await issueService.applyChange(
      saved[2].issueId!,
      { status: 'resolved' },
      {
        source: { kind: 'user', userEntityRef: 'user:default/alice' },
        sendToAdo: true,
      },
    );
    const resolved = await request(app)
      .get('/issues')
      .query({ entityRef: ENTITY, status: 'resolved' });
    expect(resolved.body.items.map((i: any) => i.id)).toEqual([
      saved[2].issueId,
    ]);
  });

  it('validates the list query', async () => {
    const { app } = await setup();
    const missing = await request(app).get('/issues');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('entityRef');
    const bad = await request(app)
      .get('/issues')
      .query({ entityRef: ENTITY, status: 'open' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('status');
  });

  it('gets one issue and its activity, 404 for an unknown id', async () => {
    const { app, issueService, saved } = await setup();
    const id = saved[0].issueId!;
    const one = await request(app).get(`/issues/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, shortId: 'PAYMENTS-API-1' });

    await issueService.applyChange(
      id,
      { status: 'resolved' },
      {
        source: { kind: 'user', userEntityRef: 'user:default/alice' },
        sendToAdo: true,
      },
    );
    const activity = await request(app).get(`/issues/${id}/activity`);
    expect(activity.status).toBe(200);
    expect(activity.body.items).toEqual([
      {
        id: expect.any(String),
        type: 'set_resolved',
        createdAt: expect.any(String),
        source: { kind: 'user', userEntityRef: 'user:default/alice' },
        data: { from: 'unresolved', to: 'resolved' },
      },
    ]);

    expect((await request(app).get('/issues/nope')).status).toBe(404);
    expect((await request(app).get('/issues/nope/activity')).status).toBe(404);
  });

  it('requires credentials', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get('/issues')
      .query({ entityRef: ENTITY })
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('pages activity newest first, 50 by default, following nextCursor to the end', async () => {
    const { app, knex, saved } = await setup();
    const id = saved[0].issueId!;
    await insertActivity(knex, id, 120);
    const seen: string[] = [];
    const pages: Array<[number, number, string | null]> = [];
    let cursor: string | undefined;
    do {
      const res = await request(app)
        .get(`/issues/${id}/activity`)
        .query(cursor ? { cursor } : {});
      pages.push([res.status, res.body.items.length, res.body.nextCursor]);
      seen.push(...res.body.items.map((a: any) => a.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([
      [200, 50, expect.any(String)],
      [200, 50, expect.any(String)],
      [200, 20, null],
    ]);
    // Every item once, newest first (ties by id, descending).
    const expected = Array.from(
      { length: 120 },
      (_, i) => `a-${String(119 - i).padStart(4, '0')}`,
    );
    expect(seen).toEqual(expected);
  });

  it('pages by the given limit, up to 200, and keeps a page stable as new activity arrives', async () => {
    const { app, knex, issueService, saved } = await setup();
    const id = saved[0].issueId!;
    await insertActivity(knex, id, 250);
    const max = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 200 });
    expect(max.body.items).toHaveLength(200);
    const first = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 7 });
    expect(first.body.items.map((a: any) => a.id)).toEqual(
      [249, 248, 247, 246, 245, 244, 243].map(
        i => `a-${String(i).padStart(4, '0')}`,
      ),
    );
    // A change made now is newest, and does not shift the next page.
    await issueService.applyChange(
      id,
      { status: 'resolved' },
      {
        source: { kind: 'user', userEntityRef: 'user:default/alice' },
        sendToAdo: false,
      },
    );
    const second = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 7, cursor: first.body.nextCursor });
    expect(second.body.items[0].id).toBe('a-0242');
    const fresh = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 1 });
    expect(fresh.body.items[0].type).toBe('set_resolved');
    // Exactly `limit` items left: the last page says so.
    const exact = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 251 - 200 });
    expect(exact.status).toBe(200);
    const last = await request(app)
      .get(`/issues/${id}/activity`)
      .query({ limit: 200, cursor: exact.body.nextCursor });
    expect(last.body.items).toHaveLength(200);
    expect(last.body.nextCursor).toBeNull();
  });

  it('answers 400 for a bad limit or cursor', async () => {
    const { app, saved } = await setup();
    const id = saved[0].issueId!;
    for (const query of [
      { limit: '0' },
      { limit: '201' },
      { limit: '-5' },
      { limit: '2.5' },
      { limit: 'ten' },
      { limit: '' },
    ]) {
      const res = await request(app).get(`/issues/${id}/activity`).query(query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.error.message).toContain('limit');
    }
    const doubled = await request(app).get(
      `/issues/${id}/activity?limit=5&limit=6`,
    );
    expect(doubled.status).toBe(400);
    for (const cursor of [
      'not-a-cursor',
      Buffer.from('["yesterday","x"]').toString('base64url'),
      Buffer.from('{"createdAt":"2026-12-01T00:00:00Z"}').toString('base64url'),
      Buffer.from('["2026-12-01T00:00:00.000Z",""]').toString('base64url'),
    ]) {
      const res = await request(app)
        .get(`/issues/${id}/activity`)
        .query({ cursor });
      expect([cursor, res.status]).toEqual([cursor, 400]);
      expect(res.body.error.message).toContain('cursor');
    }
  });
});
