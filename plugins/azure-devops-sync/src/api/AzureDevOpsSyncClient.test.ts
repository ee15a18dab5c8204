import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AzureDevOpsSyncClient } from './AzureDevOpsSyncClient';

const base = 'http://localhost:7007/api/azure-devops-sync';

describe('AzureDevOpsSyncClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new AzureDevOpsSyncClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });

  /** Records each request the handlers see. */
  function record() {
    const seen: Array<{ method: string; url: URL; body: unknown }> = [];
    const capture = async (request: Request) => {
      const text = await request.text();
      seen.push({
        method: request.method,
        url: new URL(request.url),
        body: text ? JSON.parse(text) : undefined,
      });
    };
    return { seen, capture };
  }

  it('lists organizations', async () => {
    server.use(
      http.get(`${base}/organizations`, () =>
        HttpResponse.json({ items: [{ id: 'o1', name: 'fabrikam' }] }),
      ),
    );
    await expect(client.listOrganizations()).resolves.toEqual({
      items: [{ id: 'o1', name: 'fabrikam' }],
    });
  });

  it('connects an organization with a JSON body', async () => {
    const { seen, capture } = record();
    server.use(
      http.post(`${base}/organizations`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json(
          { id: 'o2', name: 'contoso' },
          { status: 201 },
        );
      }),
    );
    await expect(
      client.connectOrganization({ name: 'contoso' }),
    ).resolves.toMatchObject({ id: 'o2' });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].body).toEqual({ name: 'contoso' });
  });

  it('gets the config, with refresh=true only when asked', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(`${base}/organizations/o%2F1/config`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ organizationId: 'o/1', fields: [] });
      }),
    );
    await client.getOrganizationConfig('o/1');
    await client.getOrganizationConfig('o/1', { refresh: true });
    expect(seen[0].url.search).toBe('');
    expect(seen[1].url.searchParams.get('refresh')).toBe('true');
  });

  it('updates the config with PUT', async () => {
    const { seen, capture } = record();
    server.use(
      http.put(`${base}/organizations/o1/config`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ organizationId: 'o1' });
      }),
    );
    await client.updateOrganizationConfig('o1', { sync_comments: true });
    expect(seen[0].method).toBe('PUT');
    expect(seen[0].body).toEqual({ sync_comments: true });
  });

  it('throws a ResponseError carrying the server message', async () => {
    server.use(
      http.put(`${base}/organizations/o1/config`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'Resolve and unresolve status are required.',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .updateOrganizationConfig('o1', { sync_status_forward: {} })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(400);
    expect(error.body.error.message).toBe(
      'Resolve and unresolve status are required.',
    );
  });

  it('searches work items with q', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(
        `${base}/organizations/o1/work-items/search`,
        async ({ request }) => {
          await capture(request);
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    await client.searchWorkItems('o1', 'login bug');
    await client.searchWorkItems('o1', '42', { limit: 10 });
    expect(seen[0].url.searchParams.get('q')).toBe('login bug');
    expect(seen[0].url.searchParams.has('limit')).toBe(false);
    expect(seen[1].url.searchParams.get('q')).toBe('42');
    expect(seen[1].url.searchParams.get('limit')).toBe('10');
  });

  it('reads the create config for an entity', async () => {
    const { seen, capture } = record();
    const config = {
      projects: [{ value: 'p1', label: 'Alpha' }],
      workItemTypes: { p1: [{ value: 'Bug', label: 'Bug' }] },
      defaults: { project: 'p1', workItemType: 'Bug' },
    };
    server.use(
      http.get(
        `${base}/organizations/o%201/create-config`,
        async ({ request }) => {
          await capture(request);
          return HttpResponse.json(config);
        },
      ),
    );
    await expect(
      client.getCreateConfig('o 1', 'component:default/web'),
    ).resolves.toEqual(config);
    expect(seen[0].method).toBe('GET');
    expect(seen[0].url.pathname).toBe(
      '/api/azure-devops-sync/organizations/o%201/create-config',
    );
    expect(seen[0].url.searchParams.get('entityRef')).toBe(
      'component:default/web',
    );
    expect(seen[0].url.searchParams.has('project')).toBe(false);
    await client.getCreateConfig('o 1', 'component:default/web', {
      project: 'p1',
    });
    expect(seen[1].url.searchParams.get('project')).toBe('p1');
  });

  it('lists issues by entity ref and status', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(`${base}/issues`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ items: [] });
      }),
    );
    await client.listIssues({ entityRef: 'component:default/web' });
    await client.listIssues({
      entityRef: 'component:default/web',
      status: 'resolved',
    });
    expect(seen[0].url.searchParams.get('entityRef')).toBe(
      'component:default/web',
    );
    expect(seen[0].url.searchParams.has('status')).toBe(false);
    expect(seen[1].url.searchParams.get('status')).toBe('resolved');
  });

  it('reads the issue trends of an entity', async () => {
    const { seen, capture } = record();
    const trends = {
      items: [{ issueId: 'i1', last24h: [1], last14d: [2] }],
      generatedAt: '2026-12-03T12:00:00Z',
    };
    server.use(
      http.get(`${base}/events/trends`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json(trends);
      }),
    );
    await expect(
      client.getIssueTrends('component:default/web'),
    ).resolves.toEqual(trends);
    expect(seen[0].url.searchParams.get('entityRef')).toBe(
      'component:default/web',
    );
  });

  it('reads one issue and its activity', async () => {
    server.use(
      http.get(`${base}/issues/i1`, () => HttpResponse.json({ id: 'i1' })),
      http.get(`${base}/issues/i1/activity`, () =>
        HttpResponse.json({ items: [{ id: 'a1' }] }),
      ),
    );
    await expect(client.getIssue('i1')).resolves.toEqual({ id: 'i1' });
    await expect(client.getIssueActivity('i1')).resolves.toEqual({
      items: [{ id: 'a1' }],
    });
  });

  it('pages the activity with limit and cursor', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(`${base}/issues/i1/activity`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ items: [{ id: 'a9' }], nextCursor: 'c2' });
      }),
    );
    await expect(client.getIssueActivity('i1', { limit: 20 })).resolves.toEqual(
      { items: [{ id: 'a9' }], nextCursor: 'c2' },
    );
    await client.getIssueActivity('i1', { limit: 20, cursor: 'c2' });
    expect(seen[0].url.search).toBe('?limit=20');
    expect(seen[1].url.searchParams.get('cursor')).toBe('c2');
  });

  it('retries a link (202 with the issue) and unlinks one (204)', async () => {
    const { seen, capture } = record();
    server.use(
      http.post(
        `${base}/issues/i1/links/o%2F1/42/retry`,
        async ({ request }) => {
          await capture(request);
          return HttpResponse.json({ id: 'i1', links: [] }, { status: 202 });
        },
      ),
      http.delete(`${base}/issues/i1/links/o%2F1/42`, async ({ request }) => {
        await capture(request);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(client.retryLink('i1', 'o/1', 42)).resolves.toEqual({
      id: 'i1',
      links: [],
    });
    await expect(
      client.unlinkWorkItem('i1', 'o/1', 42),
    ).resolves.toBeUndefined();
    expect(seen.map(s => s.method)).toEqual(['POST', 'DELETE']);
  });

  it('surfaces a 404 from unlinking an unknown link', async () => {
    server.use(
      http.delete(`${base}/issues/i1/links/o1/9`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No link to #9' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client.unlinkWorkItem('i1', 'o1', 9).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe('No link to #9');
  });

  it('patches an issue, links a work item and comments', async () => {
    const { seen, capture } = record();
    server.use(
      http.patch(`${base}/issues/i1`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ id: 'i1' });
      }),
      http.post(`${base}/issues/i1/links`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ id: 'i1', links: [] }, { status: 201 });
      }),
      http.post(`${base}/issues/i1/comments`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json(
          { id: 'a1', type: 'comment', data: { text: 'hello' } },
          { status: 201 },
        );
      }),
    );
    await client.updateIssue('i1', {
      status: 'resolved',
      assignee: 'user:default/alice',
    });
    await expect(
      client.linkWorkItem('i1', { organizationId: 'o1', workItemId: 7 }),
    ).resolves.toEqual({ id: 'i1', links: [] });
    await client.linkWorkItem('i1', {
      organizationId: 'o1',
      create: { project: 'p1', workItemType: 'Bug', title: 'Crash' },
    });
    await expect(client.addComment('i1', 'hello')).resolves.toMatchObject({
      id: 'a1',
      type: 'comment',
    });
    expect(seen.map(s => [s.method, s.url.pathname, s.body])).toEqual([
      [
        'PATCH',
        '/api/azure-devops-sync/issues/i1',
        { status: 'resolved', assignee: 'user:default/alice' },
      ],
      [
        'POST',
        '/api/azure-devops-sync/issues/i1/links',
        { organizationId: 'o1', workItemId: 7 },
      ],
      [
        'POST',
        '/api/azure-devops-sync/issues/i1/links',
        {
          organizationId: 'o1',
          create: { project: 'p1', workItemType: 'Bug', title: 'Crash' },
        },
      ],
      ['POST', '/api/azure-devops-sync/issues/i1/comments', { text: 'hello' }],
    ]);
  });

  it('lists deliveries by status and replays one', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(`${base}/organizations/o1/deliveries`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ items: [] });
      }),
      http.post(`${base}/deliveries/d1/replay`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ status: 'pending' }, { status: 202 });
      }),
    );
    await client.listDeliveries('o1', 'failed');
    await client.replayDelivery('d1');
    expect(seen[0].url.searchParams.get('status')).toBe('failed');
    expect(seen[1].method).toBe('POST');
    expect(seen[1].url.pathname).toBe(
      '/api/azure-devops-sync/deliveries/d1/replay',
    );
  });

  it('lists jobs by status and replays one', async () => {
    const { seen, capture } = record();
    server.use(
      http.get(`${base}/organizations/o1/jobs`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json({ items: [{ id: 'j1' }] });
      }),
      http.post(`${base}/jobs/j1/replay`, async ({ request }) => {
        await capture(request);
        return HttpResponse.json(
          { id: 'j1', status: 'pending' },
          { status: 202 },
        );
      }),
    );
    await expect(client.listJobs('o1', 'failed')).resolves.toEqual({
      items: [{ id: 'j1' }],
    });
    await client.listJobs('o1');
    await expect(client.replayJob('j1')).resolves.toBeUndefined();
    expect(seen.map(s => [s.method, s.url.pathname, s.body])).toEqual([
      ['GET', '/api/azure-devops-sync/organizations/o1/jobs', undefined],
      ['GET', '/api/azure-devops-sync/organizations/o1/jobs', undefined],
      ['POST', '/api/azure-devops-sync/jobs/j1/replay', undefined],
    ]);
    expect(seen[0].url.searchParams.get('status')).toBe('failed');
    expect(seen[1].url.searchParams.has('status')).toBe(false);
  });

  it('surfaces a 409 from a job replay with its message', async () => {
    server.use(
      http.post(`${base}/jobs/j2/replay`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'Job j2 is done; only failed jobs can be replayed',
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await expect(client.replayJob('j2')).rejects.toMatchObject({
      response: { status: 409 },
      body: {
        error: { message: 'Job j2 is done; only failed jobs can be replayed' },
      },
    });
  });

  it('surfaces a 404 as a ResponseError', async () => {
    server.use(
      http.get(`${base}/organizations/o1/deliveries`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'Not found' } },
          { status: 404 },
        ),
      ),
    );
    await expect(client.listDeliveries('o1', 'failed')).rejects.toMatchObject({
      name: 'ResponseError',
      response: { status: 404 },
    });
  });
});
