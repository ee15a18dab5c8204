import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ACCOUNT_ID,
  fakeAdoHandlers,
  fakeAdoState,
  ORG_URL,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin, TEST_PAT } from '../__testUtils__/startPlugin';
import { eventually } from '../__testUtils__/syncHarness';

jest.setTimeout(60_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
const auth = mockCredentials.user.header();

describe.each(databases.eachSupportedId())(
  'organization routes (%s)',
  databaseId => {
    const connect = (server: any, name = 'fabrikam') =>
      request(server)
        .post('/api/azure-devops-sync/organizations')
        .set('Authorization', auth)
        .send({ name });

    const EVENT_TYPES = [
      'workitem.updated',
      'workitem.commented',
      'workitem.deleted',
      'workitem.restored',
    ];
    const secretOf = (hook: any): string =>
      hook.consumerInputs.httpHeaders.replace(/^Shared-Secret:/, '');

    it('connects an organization with one service hook per event type, and reuses them', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const server = await startPlugin({
        knex: await databases.init(databaseId),
      });

      const first = await connect(server);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        name: 'fabrikam',
        externalId: ACCOUNT_ID,
        domainName: ORG_URL,
        status: 'active',
        subscription: { status: 'enabled' },
      });
      const hooks = [...state.subscriptions.values()];
      expect(hooks.map(h => h.eventType)).toEqual(EVENT_TYPES);
      for (const hook of hooks) {
        expect(hook).toMatchObject({
          publisherId: 'tfs',
          resourceVersion: '1.0',
          consumerId: 'webHooks',
          consumerActionId: 'httpRequest',
          consumerInputs: {
            url: 'https://backstage.example.com/api/azure-devops-sync/webhooks/workitem',
            resourceDetailsToSend: 'all',
          },
        });
        expect(secretOf(hook)).toMatch(/^[0-9a-f]{64}$/);
      }
      // Each hook its own secret: replacing one never touches the others.
      expect(new Set(hooks.map(secretOf)).size).toBe(4);
      expect(first.body.subscription.id).toBe(hooks[0].id);

      const second = await connect(server, 'https://dev.azure.com/fabrikam');
      expect(second.status).toBe(201);
      expect(second.body.id).toBe(first.body.id);
      expect(state.subscriptions.size).toBe(4);
      expect(state.requests.filter(r => r.startsWith('POST'))).toHaveLength(4);

      const list = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const text = JSON.stringify(list.body);
      for (const hook of hooks) expect(text).not.toContain(secretOf(hook));
      expect(text).not.toContain(TEST_PAT);
    });

    it('replaces a hook ADO disabled, with a new secret, and keeps the others', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const server = await startPlugin({
        knex: await databases.init(databaseId),
      });
      await connect(server);
      const before = [...state.subscriptions.values()];
      const old = before.find(h => h.eventType === 'workitem.deleted')!;
      old.status = 'disabledBySystem';
      const listed = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(listed.body.items[0].subscription.status).toBe('enabled');
      const again = await connect(server);
      expect(again.body.subscription.status).toBe('enabled');
      expect(state.subscriptions.size).toBe(4);
      const after = [...state.subscriptions.values()];
      const fresh = after.find(h => h.eventType === 'workitem.deleted')!;
      expect(fresh.id).not.toBe(old.id);
      expect(secretOf(fresh)).not.toBe(secretOf(old));
      expect(
        after.filter(h => h !== fresh).map(h => [h.id, secretOf(h)]),
      ).toEqual(before.filter(h => h !== old).map(h => [h.id, secretOf(h)]));
    });

    it('the health check adds the hooks an organization connected with only workitem.updated lacks', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const knex = await databases.init(databaseId);
      const server = await startPlugin({ knex });
      const connected = await connect(server);
      const organizationId = connected.body.id;
      // As stored before there were four hooks: the organization row's hook only.
      await knex('organization_hooks').delete();
      for (const [id, hook] of state.subscriptions) {
        if (hook.eventType !== 'workitem.updated')
          state.subscriptions.delete(id);
      }
      const [updated] = [...state.subscriptions.values()];
      const listed = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(listed.body.items[0].subscription.status).toBe('missing');

      // A restart runs the scheduled tasks, the subscription health check among them.
      const restarted = await startPlugin({
        knex,
        runScheduledTasksOnStart: true,
      });
      await eventually('the missing hooks', async () =>
        state.subscriptions.size === 4 ? true : undefined,
      );
      const hooks = [...state.subscriptions.values()];
      expect(hooks.map(h => h.eventType).sort()).toEqual(
        [...EVENT_TYPES].sort(),
      );
      // The hook it had is kept, secret and all.
      expect(state.subscriptions.get(updated.id)).toBe(updated);
      const rows = await knex('organization_hooks').where({
        organization_id: organizationId,
      });
      expect(rows.map(r => r.event_type).sort()).toEqual([
        'workitem.commented',
        'workitem.deleted',
        'workitem.restored',
      ]);
      const after = await eventually('the organization healthy', async () => {
        const res = await request(restarted)
          .get('/api/azure-devops-sync/organizations')
          .set('Authorization', auth);
        const [org] = res.body.items;
        return org.subscription.status === 'enabled' ? org : undefined;
      });
      expect(after.status).toBe('active');

      // Deliveries signed with the new hooks' secrets are accepted.
      const deleted = hooks.find(h => h.eventType === 'workitem.deleted')!;
      const delivery = await request(restarted)
        .post('/api/azure-devops-sync/webhooks/workitem')
        .set('Shared-Secret', secretOf(deleted))
        .send({
          eventType: 'workitem.deleted',
          resourceContainers: { collection: { id: ACCOUNT_ID } },
          resource: { id: 1, rev: 2, fields: {} },
        });
      expect(delivery.status).toBe(200);
    });

    it('tells the admin which permission is missing when ADO refuses the hook', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(
        http.post(`${ORG_URL}_apis/hooks/subscriptions`, () =>
          HttpResponse.json(
            {
              message:
                'TF400813: The user is not authorized to access this resource.',
              typeKey: 'UnauthorizedRequestException',
            },
            { status: 403 },
          ),
        ),
        ...fakeAdoHandlers(state),
      );
      const server = await startPlugin({
        knex: await databases.init(databaseId),
      });
      const res = await connect(server);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/Edit subscriptions/);
      const list = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(list.body.items[0]).toMatchObject({
        status: 'error',
        statusReason: expect.stringContaining('TF400813'),
      });
    });

    it('refuses bad input, other hosts, a missing credential and callers without the permission', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const knex = await databases.init(databaseId);
      const server = await startPlugin({ knex });

      expect(
        (
          await request(server)
            .post('/api/azure-devops-sync/organizations')
            .set('Authorization', auth)
            .send({})
        ).status,
      ).toBe(400);
      const notAdo = await connect(
        server,
        'https://intranet.example.com/fabrikam',
      );
      expect(notAdo.status).toBe(400);
      expect(notAdo.body.error.message).toMatch(/not an Azure DevOps host/);
      const garbage = await connect(server, 'a b c');
      expect(garbage.status).toBe(400);

      const noCredential = await startPlugin({
        knex: await databases.init(databaseId),
        withCredential: false,
      });
      const missing = await connect(noCredential);
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(
        /credential for organization "fabrikam".*integrations\.azure with host dev\.azure\.com and organizations: \[fabrikam\]/,
      );

      const denied = await startPlugin({
        knex: await databases.init(databaseId),
        permission: AuthorizeResult.DENY,
      });
      expect((await connect(denied)).status).toBe(403);
      const unauthenticated = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', mockCredentials.none.header());
      expect(unauthenticated.status).toBe(401);
      expect(state.subscriptions.size).toBe(0);
    });
    it('refuses plain http to any host but loopback, where the credential would cross the network in clear', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const server = await startPlugin({
        knex: await databases.init(databaseId),
      });
      for (const url of [
        'http://dev.azure.com/fabrikam',
        'http://dev.azure.com/fabrikam/',
        'http://fabrikam.visualstudio.com/',
        'HTTP://DEV.AZURE.COM/fabrikam',
      ]) {
        const res = await connect(server, url);
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.error.message).toMatch(/plain http.*use https:\/\//);
      }
      // Nothing was asked of ADO, so the PAT never left.
      expect(state.requests).toEqual([]);
      const list = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(list.body.items).toEqual([]);
    });

    it('still connects over http to a loopback host (the local emulator)', async () => {
      const emulatorUrl = 'http://localhost:7008/fabrikam/';
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state, emulatorUrl));
      const server = await startPlugin({
        knex: await databases.init(databaseId),
        integrations: [
          {
            host: 'localhost:7008',
            credentials: [{ personalAccessToken: TEST_PAT }],
          },
        ],
      });
      const res = await connect(server, emulatorUrl);
      expect(res.status).toBe(201);
      expect(res.body.domainName).toBe(emulatorUrl);
    });

    it('answers JSON nested too deeply with a 400, and stores nothing', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const knex = await databases.init(databaseId);
      const server = await startPlugin({ knex });
      const post = (body: string) =>
        request(server)
          .post('/api/azure-devops-sync/organizations')
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(body);
      const nested = (depth: number) =>
        `{"name":${'['.repeat(depth)}"fabrikam"${']'.repeat(depth)}}`;
      for (const depth of [64, 100_000]) {
        const res = await post(nested(depth));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/nests deeper than 64 levels/);
      }
      // Just under the limit, the body reaches validation (and fails it for the array).
      const shallow = await post(nested(62));
      expect(shallow.status).toBe(400);
      expect(shallow.body.error.message).toMatch(/organization at name/);
      expect(Number((await knex('organizations').count({ n: '*' }))[0].n)).toBe(
        0,
      );
      expect(state.requests).toEqual([]);
    });
  },
);
