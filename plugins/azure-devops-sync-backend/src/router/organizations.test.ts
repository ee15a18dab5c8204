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

    it('connects an organization with exactly one service hook, and reuses it', async () => {
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
      expect(state.subscriptions.size).toBe(1);
      const [hook] = [...state.subscriptions.values()];
      expect(hook).toMatchObject({
        publisherId: 'tfs',
        eventType: 'workitem.updated',
        resourceVersion: '1.0',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        consumerInputs: {
          url: 'https://backstage.example.com/api/azure-devops-sync/webhooks/workitem',
          resourceDetailsToSend: 'all',
        },
      });
      const secret = hook.consumerInputs.httpHeaders.replace(
        /^Shared-Secret:/,
        '',
      );
      expect(secret).toMatch(/^[0-9a-f]{64}$/);

      const second = await connect(server, 'https://dev.azure.com/fabrikam');
      expect(second.status).toBe(201);
      expect(second.body.id).toBe(first.body.id);
      expect(state.subscriptions.size).toBe(1);
      expect(state.requests.filter(r => r.startsWith('POST'))).toHaveLength(1);

      const list = await request(server)
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', auth);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(TEST_PAT);
    });

    it('replaces a hook ADO disabled, with a new secret', async () => {
      const state = fakeAdoState({ projects: 1 });
      msw.use(...fakeAdoHandlers(state));
      const server = await startPlugin({
        knex: await databases.init(databaseId),
      });
      await connect(server);
      const [old] = [...state.subscriptions.values()];
      old.status = 'disabledBySystem';
      const again = await connect(server);
      expect(again.body.subscription.status).toBe('enabled');
      expect(state.subscriptions.size).toBe(1);
      const [fresh] = [...state.subscriptions.values()];
      expect(fresh.id).not.toBe(old.id);
      expect(fresh.consumerInputs.httpHeaders).not.toBe(
        old.consumerInputs.httpHeaders,
      );
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
