import { mockCredentials } from '@backstage/backend-test-utils';
import { createEmulator } from '@internal/ado-emulator';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import { startPlugin } from '../__testUtils__/startPlugin';

jest.setTimeout(60_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

describe('connecting an organization by name on an ADO Server-style host (the emulator)', () => {
  it('resolves a bare name on the only integrations.azure host; an unknown one is refused with its message', async () => {
    const emulator = createEmulator({ deliveryRetryDelaysMs: [10] });
    const running = await emulator.listen(0, '127.0.0.1');
    try {
      const host = `localhost:${running.port}`;
      const server = await startPlugin({
        knex: await databases.init('SQLITE_3'),
        integrations: [
          { host, credentials: [{ personalAccessToken: 'demo-pat' }] },
        ],
      });
      const connect = (name: string) =>
        request(server)
          .post('/api/azure-devops-sync/organizations')
          .set('Authorization', mockCredentials.user.header())
          .send({ name });

      const contoso = await connect('contoso');
      expect(contoso.status).toBe(201);
      expect(contoso.body).toMatchObject({
        name: 'contoso',
        domainName: `http://${host}/contoso/`,
        externalId: '7e2d9b14-8a3f-4c61-b5e0-9d4c2a1f6e38',
        status: 'active',
      });

      const acme = await connect('acme');
      expect(acme.status).toBe(400);
      expect(acme.body.error.message).toBe(
        'Could not connect Azure DevOps organization acme: Azure DevOps answered HTTP 404: The organization acme does not exist in this Azure DevOps emulator (a local demo stand-in). Its organizations are: contoso, fabrikam.',
      );
    } finally {
      await running.close();
    }
  });
});
