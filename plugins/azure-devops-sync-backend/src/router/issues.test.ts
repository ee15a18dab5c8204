import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
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
    return { app, issueService, saved };
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
});
