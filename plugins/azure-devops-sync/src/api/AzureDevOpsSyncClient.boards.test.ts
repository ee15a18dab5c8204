import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AzureDevOpsSyncClient } from './AzureDevOpsSyncClient';

const base = 'http://localhost:7007/api/azure-devops-sync';

describe('AzureDevOpsSyncClient: work items and people', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new AzureDevOpsSyncClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });

  it('lists work items with only the filters that are set', async () => {
    const urls: URL[] = [];
    server.use(
      http.get(`${base}/work-items`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json({ items: [], total: 0 });
      }),
    );
    await client.listWorkItems({
      entityRef: 'component:default/web',
      state: 'Active',
      type: '',
      q: 'login',
      top: 25,
      skip: 50,
    });
    await client.listWorkItems({ entityRef: 'component:default/web' });
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({
      entityRef: 'component:default/web',
      state: 'Active',
      q: 'login',
      top: '25',
      skip: '50',
    });
    expect(Object.fromEntries(urls[1].searchParams)).toEqual({
      entityRef: 'component:default/web',
    });
  });

  it('reads and replaces the people mappings of an organization', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get(`${base}/organizations/o%201/people`, () =>
        HttpResponse.json({ items: [], suggestions: [] }),
      ),
      http.put(`${base}/organizations/o%201/people`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ items: [], suggestions: [] });
      }),
    );
    await expect(client.getPeople('o 1')).resolves.toEqual({
      items: [],
      suggestions: [],
    });
    const items = [
      { adoIdentity: 'bob@fabrikam.com', userEntityRef: 'user:default/bob' },
    ];
    await client.updatePeople('o 1', { items });
    expect(bodies).toEqual([{ items }]);
  });

  it('rejects an unknown catalog user with the server message', async () => {
    server.use(
      http.put(`${base}/organizations/o1/people`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'Unknown catalog user user:default/nobody',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await expect(
      client.updatePeople('o1', {
        items: [{ adoIdentity: 'x', userEntityRef: 'user:default/nobody' }],
      }),
    ).rejects.toMatchObject({
      response: { status: 400 },
      body: { error: { message: 'Unknown catalog user user:default/nobody' } },
    });
  });
});
