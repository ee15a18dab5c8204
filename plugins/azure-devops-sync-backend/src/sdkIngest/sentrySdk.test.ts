import * as Sentry from '@sentry/node';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { startPlugin } from '../__testUtils__/startPlugin';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';

/** The frames of both captures share this function, so they group into one issue. */
function chargeCard(amount: number) {
  if (amount < 0) throw new RangeError(`Invalid amount ${amount}`);
}

/**
 * The real @sentry/node SDK as the client, pointed at the plugin in a test backend on a real
 * port: what an application reporting into the portal does.
 */
describe.each(databases.eachSupportedId())(
  '@sentry/node SDK (%s)',
  databaseId => {
    let server: Server;

    afterEach(async () => {
      await Sentry.close(2000);
    });

    it('reports errors, messages and a transaction onto the key entity, grouped', async () => {
      const knex = await databases.init(databaseId);
      server = await startPlugin({ knex });
      const api = request(server);

      const created = await api
        .post('/api/azure-devops-sync/sdk-keys')
        .send({ entityRef: 'Component:default/payments-api' });
      expect(created.status).toBe(201);
      expect(created.body.dsn).toBe(
        `http://${created.body.publicKey}@localhost:7007/api/azure-devops-sync/sentry/${created.body.projectId}`,
      );
      // The backend runs on a random port rather than backend.baseUrl's.
      const { port } = server.address() as { port: number };
      const dsn = created.body.dsn.replace(
        'localhost:7007',
        `127.0.0.1:${port}`,
      );

      Sentry.init({
        dsn,
        release: 'payments-api@1.4.0',
        environment: 'staging',
        tracesSampleRate: 1,
        // Nothing of the test process itself (console, http, uncaught errors) is reported.
        defaultIntegrations: false,
      });
      Sentry.setTag('region', 'westeurope');
      Sentry.setUser({ id: 'u-42', email: 'buyer@example.com' });
      for (const amount of [-1, -7]) {
        try {
          chargeCard(amount);
        } catch (error) {
          Sentry.captureException(error);
        }
      }
      Sentry.captureMessage('Payment provider answered slowly', 'warning');
      Sentry.startSpan({ name: 'POST /charge', op: 'http.server' }, () => {
        Sentry.startSpan({ name: 'SELECT payments', op: 'db' }, () => {});
        Sentry.startSpan(
          { name: 'provider.charge', op: 'http.client' },
          () => {},
        );
      });
      expect(await Sentry.flush(10_000)).toBe(true);

      const issues = await api
        .get('/api/azure-devops-sync/issues')
        .query({ entityRef: ENTITY });
      expect(issues.status).toBe(200);
      const byTitle = new Map<string, any>(
        issues.body.items.map((i: any) => [i.title, i]),
      );
      // Two captures of the same error from the same code: one issue seen twice.
      const rangeError = [...byTitle.values()].find(i =>
        i.title.startsWith('RangeError: Invalid amount'),
      );
      expect(rangeError).toMatchObject({
        entityRef: ENTITY,
        timesSeen: 2,
        level: 'error',
        status: 'unresolved',
      });
      expect(rangeError.culprit).toMatch(/chargeCard/);
      expect(byTitle.get('Payment provider answered slowly')).toMatchObject({
        timesSeen: 1,
        level: 'warning',
      });
      expect(issues.body.items).toHaveLength(2);

      const rows = await knex('events')
        .where({ entity_ref: ENTITY })
        .select(
          'type',
          'transaction',
          'op',
          'release',
          'environment',
          'span_hashes',
        );
      expect(rows.filter(r => r.type === 'error')).toHaveLength(3);
      for (const row of rows) {
        expect(row).toMatchObject({
          release: 'payments-api@1.4.0',
          environment: 'staging',
        });
      }
      const transactions = rows.filter(r => r.type === 'transaction');
      expect(transactions).toHaveLength(1);
      expect(transactions[0]).toMatchObject({
        transaction: 'POST /charge',
        op: 'http.server',
      });
      expect(JSON.parse(transactions[0].span_hashes)).toHaveLength(2);
      expect(await knex('releases').where({ entity_ref: ENTITY })).toHaveLength(
        1,
      );
      expect(
        await knex('environments').where({
          entity_ref: ENTITY,
          name: 'staging',
        }),
      ).toHaveLength(1);
      expect(
        await knex('event_users').where({
          entity_ref: ENTITY,
          user_id: 'u-42',
        }),
      ).toHaveLength(1);
    });
  },
);
