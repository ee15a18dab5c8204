import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AzureDevOpsSyncClient } from './AzureDevOpsSyncClient';

const base = 'http://localhost:7007/api/azure-devops-sync';

const key = {
  publicKey: 'a'.repeat(32),
  entityRef: 'component:default/web',
  dsn: `http://${'a'.repeat(
    32,
  )}@localhost:7007/api/azure-devops-sync/sentry/42`,
  projectId: '42',
  source: 'api',
  createdAt: '2026-12-03T10:00:00Z',
};

describe('AzureDevOpsSyncClient SDK keys', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new AzureDevOpsSyncClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });

  it('lists an entity’s keys by its ref', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/sdk-keys`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [key] });
      }),
    );
    await expect(client.listSdkKeys('component:default/web')).resolves.toEqual({
      items: [key],
    });
    expect(url?.searchParams.get('entityRef')).toBe('component:default/web');
  });

  it('creates a key with the entity ref as JSON', async () => {
    let body: unknown;
    server.use(
      http.post(`${base}/sdk-keys`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(key, { status: 201 });
      }),
    );
    await expect(
      client.createSdkKey('component:default/web'),
    ).resolves.toMatchObject({ dsn: key.dsn });
    expect(body).toEqual({ entityRef: 'component:default/web' });
  });

  it('revokes a key (204) and surfaces a 409 for an app-config key', async () => {
    const deleted: string[] = [];
    server.use(
      http.delete(`${base}/sdk-keys/:publicKey`, ({ params }) => {
        deleted.push(String(params.publicKey));
        if (params.publicKey === 'config-key') {
          return HttpResponse.json(
            {
              error: {
                name: 'ConflictError',
                message: 'This key is defined in app-config',
              },
              response: { statusCode: 409 },
            },
            { status: 409 },
          );
        }
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(client.revokeSdkKey(key.publicKey)).resolves.toBeUndefined();
    await expect(client.revokeSdkKey('config-key')).rejects.toMatchObject({
      response: { status: 409 },
      body: { error: { message: 'This key is defined in app-config' } },
    });
    expect(deleted).toEqual([key.publicKey, 'config-key']);
  });
});
