import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  fakeAdoHandlers,
  fakeAdoState,
  fixture,
  ORG_URL,
} from '../__testUtils__/fakeAdo';
import { AdoClient } from './AdoClient';
import {
  AdoApiError,
  AdoInvalidIdentityError,
  ruleValidationErrors,
} from './errors';
import { RequestGate } from './RequestGate';

const server = setupServer();
registerMswTestHooks(server);

function makeClient(
  extra: Partial<ConstructorParameters<typeof AdoClient>[0]> = {},
) {
  // A fake clock that sleeping advances, so waits are recorded, not spent.
  let now = 1_000_000;
  const waits: number[] = [];
  const client = new AdoClient({
    baseUrl: ORG_URL,
    getAuthorization: async () => 'Basic OmRlbW8tcGF0',
    gate: new RequestGate(() => now),
    sleep: async ms => {
      waits.push(ms);
      now += ms;
    },
    ...extra,
  });
  return { client, waits };
}

describe('AdoClient', () => {
  it('reads the projects of most organizations in one call ($top 500)', async () => {
    const state = fakeAdoState({ projects: 220 });
    server.use(...fakeAdoHandlers(state));
    const projects = await makeClient().client.getProjects();
    expect(projects).toHaveLength(220);
    expect(new Set(projects.map(p => p.id)).size).toBe(220);
    const calls = state.requests.filter(r => r.includes('_apis/projects'));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('stateFilter=WellFormed');
    expect(calls[0]).toContain('%24top=500');
    expect(calls[0]).toContain('api-version=7.1');
  });

  it("follows ADO's continuation token to the next page of projects", async () => {
    const state = fakeAdoState({ projects: 1100 });
    state.projectContinuationTokens = true;
    server.use(...fakeAdoHandlers(state));
    const projects = await makeClient().client.getProjects();
    expect(new Set(projects.map(p => p.id)).size).toBe(1100);
    const calls = state.requests.filter(r => r.includes('_apis/projects'));
    expect(calls).toHaveLength(3);
    expect(calls[1]).toContain('continuationToken=500');
    expect(calls[2]).toContain('continuationToken=1000');
  });

  it('reads every page from a server that caps pages at 100 and sends no token (100 + 100 + 20)', async () => {
    const state = fakeAdoState({ projects: 220 });
    state.projectPageCap = 100;
    server.use(...fakeAdoHandlers(state));
    const projects = await makeClient().client.getProjects();
    expect(new Set(projects.map(p => p.id)).size).toBe(220);
    const calls = state.requests.filter(r => r.includes('_apis/projects'));
    expect(calls).toHaveLength(3);
    expect(calls[2]).toContain('%24skip=200');
  });

  it('sends the credential and asks ADO not to redirect to a sign-in page', async () => {
    let headers: Headers | undefined;
    server.use(
      http.get(`${ORG_URL}_apis/projects/:id`, ({ request }) => {
        headers = request.headers;
        return HttpResponse.json({ id: 'p1', name: 'P' });
      }),
    );
    await makeClient().client.getProject('p1');
    expect(headers?.get('authorization')).toBe('Basic OmRlbW8tcGF0');
    expect(headers?.get('x-tfs-fedauthredirect')).toBe('Suppress');
  });

  it('turns 401 into an invalid-identity error', async () => {
    const state = fakeAdoState({ projects: 1 });
    state.failWith = 401;
    server.use(...fakeAdoHandlers(state));
    await expect(makeClient().client.getProjects()).rejects.toBeInstanceOf(
      AdoInvalidIdentityError,
    );
  });

  it('retries 429 no sooner than Retry-After, then succeeds', async () => {
    let calls = 0;
    const body = fixture('error-429-request-blocked.json');
    server.use(
      http.get(`${ORG_URL}_apis/projects/:id`, () => {
        calls++;
        if (calls < 3) {
          return HttpResponse.json(body, {
            status: 429,
            headers: { 'Retry-After': '7' },
          });
        }
        return HttpResponse.json({ id: 'p1', name: 'P' });
      }),
    );
    const retries: number[] = [];
    const { client, waits } = makeClient({
      onRetry: info => retries.push(info.delayMs),
    });
    await expect(client.getProject('p1')).resolves.toMatchObject({ name: 'P' });
    expect(calls).toBe(3);
    expect(retries).toEqual([7000, 7000]);
    expect(waits).toEqual([7000, 7000]);
  });

  it('gives up after the bounded number of tries with the status', async () => {
    let calls = 0;
    server.use(
      http.get(`${ORG_URL}_apis/projects/:id`, () => {
        calls++;
        return new HttpResponse(
          '\uFEFF{"message":"TF24668: The collection is stopped","typeKey":"CollectionStoppedException"}',
          {
            status: 503,
            headers: { 'content-type': 'application/json' },
          },
        );
      }),
    );
    const { client } = makeClient({ maxAttempts: 3 });
    const error = await client.getProject('p1').catch(e => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(AdoApiError);
    expect(error.status).toBe(503);
    expect(error.message).toContain('TF24668');
  });

  it('holds the next call back when ADO sends Retry-After on a 200', async () => {
    let now = 1_000_000;
    const gate = new RequestGate(() => now);
    server.use(
      http.get(`${ORG_URL}_apis/projects/:id`, () =>
        HttpResponse.json(
          { id: 'p1', name: 'P' },
          { headers: { 'Retry-After': '2' } },
        ),
      ),
    );
    const waits: number[] = [];
    const client = new AdoClient({
      baseUrl: ORG_URL,
      getAuthorization: async () => 'Basic x',
      gate,
      sleep: async ms => {
        waits.push(ms);
        now += ms;
      },
    });
    await client.getProject('p1');
    expect(waits).toEqual([]);
    await client.getProject('p1');
    expect(waits).toEqual([2000]);
  });

  it('parses ADO rule validation errors (TF401320) by field', async () => {
    server.use(
      http.patch(`${ORG_URL}_apis/wit/workitems/:id`, () =>
        HttpResponse.json(fixture('error-400-rule-validation.json'), {
          status: 400,
        }),
      ),
    );
    const error = await makeClient()
      .client.updateWorkItem(1, [
        { op: 'replace', path: '/fields/System.State', value: 'Nope' },
      ])
      .catch(e => e);
    expect(error).toBeInstanceOf(AdoApiError);
    expect(error.message).toContain('TF401320');
    expect(ruleValidationErrors(error).length).toBeGreaterThan(0);
    expect(ruleValidationErrors(error)[0].fieldReferenceName).toMatch(
      /^[A-Za-z.]+$/,
    );
  });

  it('falls back Bug → Issue → Task for states', async () => {
    const state = fakeAdoState({ projects: 1 });
    state.projects[0].types = {
      Task: [
        { name: 'To Do', category: 'Proposed' },
        { name: 'Done', category: 'Completed' },
      ],
    };
    server.use(...fakeAdoHandlers(state));
    const result = await makeClient().client.getWorkItemStates(
      state.projects[0].id,
    );
    expect(result.type).toBe('Task');
    expect(result.states.map(s => s.name)).toEqual(['To Do', 'Done']);
    expect(
      state.requests.map(r => r.split('/wit/workitemtypes/')[1]?.split('/')[0]),
    ).toEqual(['Bug', 'Issue', 'Task']);
  });

  it('pages graph users by continuation token on the vssps host', async () => {
    const users = fixture('graph-users-list.json').responses['200'].body.value;
    const seen: string[] = [];
    server.use(
      http.get(
        'https://vssps.dev.azure.com/fabrikam/_apis/graph/users',
        ({ request }) => {
          const token = new URL(request.url).searchParams.get(
            'continuationToken',
          );
          seen.push(token ?? '');
          if (!token) {
            return HttpResponse.json(
              { count: 1, value: users.slice(0, 1) },
              { headers: { 'X-MS-ContinuationToken': 'page2' } },
            );
          }
          return HttpResponse.json({
            count: users.length - 1,
            value: users.slice(1),
          });
        },
      ),
    );
    const target = users.slice(1).find((u: any) => u.mailAddress);
    const found = await makeClient().client.findUserByEmail(
      String(target.mailAddress).toUpperCase(),
    );
    expect(found?.descriptor).toBe(target.descriptor);
    expect(seen).toEqual(['', 'page2']);
  });

  it('returns the account lookup status instead of throwing', async () => {
    const state = fakeAdoState({ projects: 0 });
    state.locationUrl = null;
    server.use(...fakeAdoHandlers(state));
    const { client } = makeClient();
    await expect(
      client.getAccountBaseUrl('https://app.vssps.visualstudio.com/', 'acc'),
    ).resolves.toEqual({ status: 404 });
    const lookup = state.requests[0];
    expect(lookup).toContain('hostId=acc');
    expect(lookup).toContain('api-preview=5.0-preview.1');
    expect(lookup).not.toContain('api-version');
  });
});
