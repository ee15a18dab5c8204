import { http, HttpResponse } from 'msw';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Reads a published ADO payload from ../shared/fixtures/ado. */
export function fixture(name: string): any {
  const path = resolve(__dirname, '../../../../../shared/fixtures/ado', name);
  return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
}

/** The 7.1 spec's project-level Bug states (New, Active, CustomState, Resolved, Closed). */
export const BUG_STATES = fixture('workitemtype-states.json').responses['200']
  .body;
/** A real capture of an inherited Agile process's work item types with states. */
export const AGILE_TYPES = fixture(
  'process-workitemtypes-expand-states.capture.json',
);

export const ORG_URL = 'https://dev.azure.com/fabrikam/';
export const ACCOUNT_ID = 'c3f5a4c2-5d4b-4a6e-9f4e-0e8f3b1a2d10';

export interface FakeProject {
  id: string;
  name: string;
  process?: string;
  /** Project-level states by type name; a type absent here answers 404. */
  types?: Record<string, Array<{ name: string; category: string }>>;
}

export interface FakeAdoState {
  projects: FakeProject[];
  /** processId → work item types with states (process API shape). */
  processes: Record<string, any[]>;
  processApi: boolean;
  subscriptions: Map<string, any>;
  requests: string[];
  /** Status to answer every request with (e.g. 401), when set. */
  failWith?: number;
  locationUrl?: string | null;
  /** Largest page of projects answered whatever `$top` asks (a server that caps it). */
  projectPageCap?: number;
  /** Whether a page of projects with more after it says so in `x-ms-continuationtoken`. */
  projectContinuationTokens?: boolean;
}

let nextId = 1;

export function makeProject(index: number, process?: string): FakeProject {
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `Project ${String(index).padStart(3, '0')}`,
    process,
  };
}

function adoError(status: number, message: string, typeKey: string) {
  return HttpResponse.json(
    {
      $id: '1',
      innerException: null,
      message,
      typeName: `Microsoft.${typeKey}`,
      typeKey,
      errorCode: 0,
      eventId: 3200,
    },
    { status },
  );
}

/** msw handlers that play one ADO organization at {@link ORG_URL}. */
export function fakeAdoHandlers(state: FakeAdoState, baseUrl = ORG_URL) {
  const track = (request: Request) => {
    state.requests.push(`${request.method} ${request.url}`);
    if (state.failWith === 401) return new HttpResponse(null, { status: 401 });
    if (state.failWith)
      return adoError(
        state.failWith,
        `HTTP ${state.failWith} from fake ADO`,
        'FakeException',
      );
    return undefined;
  };
  const project = (idOrName: string) =>
    state.projects.find(
      p =>
        p.id === idOrName ||
        p.name.toLowerCase() === decodeURIComponent(idOrName).toLowerCase(),
    );

  return [
    http.get(`${baseUrl}_apis/projects`, ({ request }) => {
      const failed = track(request);
      if (failed) return failed;
      const url = new URL(request.url);
      const top = Math.min(
        Number(url.searchParams.get('$top') ?? 100),
        state.projectPageCap ?? Infinity,
      );
      // Like ADO's capture: the token is where the next page starts.
      const skip = Number(
        url.searchParams.get('continuationToken') ??
          url.searchParams.get('$skip') ??
          0,
      );
      const more = skip + top < state.projects.length;
      const headers: Record<string, string> =
        more && state.projectContinuationTokens
          ? { 'x-ms-continuationtoken': String(skip + top) }
          : {};
      const page = state.projects.slice(skip, skip + top).map(p => ({
        id: p.id,
        name: p.name,
        url: `${baseUrl}_apis/projects/${p.id}`,
        state: 'wellFormed',
        revision: 1,
        visibility: 'private',
        lastUpdateTime: '2025-01-10T09:00:00Z',
      }));
      return HttpResponse.json(
        { count: page.length, value: page },
        { headers },
      );
    }),
    http.get(`${baseUrl}_apis/work/processes`, ({ request }) => {
      const failed = track(request);
      if (failed) return failed;
      if (!state.processApi)
        return new HttpResponse('The controller for path was not found', {
          status: 404,
          headers: { 'content-type': 'text/plain' },
        });
      const value = Object.keys(state.processes).map(typeId => ({
        typeId,
        name: `Process ${typeId}`,
        referenceName: null,
        isEnabled: true,
        isDefault: false,
        customizationType: 'inherited',
        projects: state.projects
          .filter(p => p.process === typeId)
          .map(p => ({
            id: p.id,
            name: p.name,
            url: `vstfs:///Classification/TeamProject/${p.id}`,
          })),
      }));
      return HttpResponse.json({ count: value.length, value });
    }),
    http.get(
      `${baseUrl}_apis/work/processes/:id/workitemtypes`,
      ({ request, params }) => {
        const failed = track(request);
        if (failed) return failed;
        const types = state.processes[String(params.id)];
        if (!types)
          return adoError(404, 'Process not found', 'ProcessNotFoundException');
        return HttpResponse.json({ count: types.length, value: types });
      },
    ),
    http.get(
      `${baseUrl}:project/_apis/wit/workitemtypes/:type/states`,
      ({ request, params }) => {
        const failed = track(request);
        if (failed) return failed;
        const p = project(String(params.project));
        const states = p?.types?.[String(params.type)];
        if (!p || !states) {
          return adoError(
            404,
            `VS402323: Work item type ${params.type} does not exist.`,
            'WorkItemTypeNotFoundException',
          );
        }
        return HttpResponse.json({
          count: states.length,
          value: states.map(s => ({ ...s, color: 'b2b2b2' })),
        });
      },
    ),
    http.get(`${baseUrl}_apis/connectionData`, ({ request }) => {
      const failed = track(request);
      if (failed) return failed;
      return HttpResponse.json({
        authenticatedUser: { id: 'u1', providerDisplayName: 'Backstage Sync' },
        authorizedUser: { id: 'u1', providerDisplayName: 'Backstage Sync' },
        instanceId: ACCOUNT_ID,
        deploymentType: 'hosted',
      });
    }),
    http.get(
      `${baseUrl}_apis/hooks/subscriptions/:id`,
      ({ request, params }) => {
        const failed = track(request);
        if (failed) return failed;
        const sub = state.subscriptions.get(String(params.id));
        if (!sub)
          return adoError(
            404,
            'Subscription not found',
            'SubscriptionNotFoundException',
          );
        return HttpResponse.json(sub);
      },
    ),
    http.delete(
      `${baseUrl}_apis/hooks/subscriptions/:id`,
      ({ request, params }) => {
        const failed = track(request);
        if (failed) return failed;
        state.subscriptions.delete(String(params.id));
        return new HttpResponse(null, { status: 204 });
      },
    ),
    http.post(`${baseUrl}_apis/hooks/subscriptions`, async ({ request }) => {
      const failed = track(request);
      if (failed) return failed;
      const body = (await request.json()) as any;
      const id = `sub-${nextId++}`;
      const created = { ...body, id, status: 'enabled' };
      state.subscriptions.set(id, created);
      return HttpResponse.json(created);
    }),
    http.get(
      'https://app.vssps.visualstudio.com/_apis/resourceareas/:area',
      ({ request }) => {
        const failed = track(request);
        if (failed) return failed;
        if (state.locationUrl === null)
          return adoError(404, 'Host not found', 'HostDoesNotExistException');
        return HttpResponse.json({
          id: '79134c72-4a58-4b42-976c-04e7115f32bf',
          name: 'Core',
          locationUrl: state.locationUrl ?? baseUrl,
        });
      },
    ),
  ];
}

/** A fake organization with `count` projects spread over the given process ids. */
export function fakeAdoState(options: {
  projects: number;
  processIds?: string[];
}): FakeAdoState {
  const processIds = options.processIds ?? ['p-agile'];
  const processes: Record<string, any[]> = {};
  processIds.forEach((id, i) => {
    // Each process gets the captured Agile types plus one state of its own, so choices differ.
    const types = JSON.parse(JSON.stringify(AGILE_TYPES.value));
    types
      .find((t: any) => t.name === 'Bug')
      .states.push({
        id: `custom-${i}`,
        name: `Triage ${i}`,
        color: 'ffffff',
        stateCategory: 'Proposed',
        order: 0,
        customizationType: 'custom',
      });
    processes[id] = types;
  });
  return {
    projects: Array.from({ length: options.projects }, (_, i) =>
      makeProject(i, processIds[i % processIds.length]),
    ),
    processes,
    processApi: true,
    subscriptions: new Map(),
    requests: [],
  };
}

/**
 * msw hooks for tests that also call a local test server (supertest): requests to loopback
 * pass through, anything else unmocked fails the test.
 */
export function registerMswHooksAllowingLocal(server: {
  listen: (options: any) => void;
  resetHandlers: () => void;
  close: () => void;
}) {
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (request: Request, print: { error: () => void }) => {
        const { hostname } = new URL(request.url);
        if (
          hostname === '127.0.0.1' ||
          hostname === 'localhost' ||
          hostname === '::1'
        )
          return;
        print.error();
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}
