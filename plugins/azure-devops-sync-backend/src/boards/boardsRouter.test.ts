import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import { DEMO_ENTITIES, startPlugin } from '../__testUtils__/startPlugin';
import { user } from '../__testUtils__/syncHarness';

jest.setTimeout(90_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  };
}

const ORG = 'dev.azure.com/host-org';
const PROJECT = 'dev.azure.com/project';
const AREA = 'dev.azure.com/area-path';
const TAGS = 'dev.azure.com/work-item-tags';

const ENTITIES: Entity[] = [
  ...DEMO_ENTITIES,
  component('web', {
    [ORG]: 'dev.azure.com/fabrikam',
    [PROJECT]: 'Fabrikam-Fiber',
  }),
  // Same annotations as web: another component on the same board.
  component('web-twin', {
    [ORG]: 'dev.azure.com/fabrikam',
    [PROJECT]: 'Fabrikam-Fiber',
  }),
  component('web-area', {
    [PROJECT]: 'Fabrikam-Fiber',
    [AREA]: 'Fabrikam-Fiber\\Web',
  }),
  component('web-shop', {
    [PROJECT]: 'Fabrikam-Fiber',
    [TAGS]: ' web-shop , checkout ',
  }),
  component('no-project', { [ORG]: 'dev.azure.com/fabrikam' }),
  component('other-org', {
    [ORG]: 'dev.azure.com/contoso',
    [PROJECT]: 'Contoso-Web',
  }),
  component('hostile-area', {
    [PROJECT]: 'Fabrikam-Fiber',
    [AREA]: "Fabrikam-Fiber\\Web' OR [System.Id] > '0",
  }),
  component('hostile-tags', {
    [PROJECT]: 'Fabrikam-Fiber',
    [TAGS]: "web-shop' OR [System.Tags] CONTAINS 'x, a'\n OR 1=1",
  }),
  component('hostile-project', {
    [PROJECT]: "Nope' OR [System.TeamProject] <> '",
  }),
  component('quoted-tag', { [PROJECT]: 'Mobile', [TAGS]: "O'Brien" }),
];

describe.each(databases.eachSupportedId())(
  'GET /work-items with the emulator (%s)',
  databaseId => {
    let emulator: Emulator;
    let running: RunningEmulator;

    beforeEach(async () => {
      emulator = createEmulator({ deliveryRetryDelaysMs: [50] });
      running = await emulator.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await running.close();
    });

    async function setup() {
      const knex = await databases.init(databaseId);
      const server = await startPlugin({
        knex,
        entities: ENTITIES,
        integrations: [
          {
            host: new URL(running.url).host,
            credentials: [{ personalAccessToken: 'demo-pat' }],
          },
        ],
      });
      const api = request(server);
      const connected = await api
        .post('/api/azure-devops-sync/organizations')
        .set('Authorization', user)
        .send({ name: `${running.url}/fabrikam/` });
      expect(connected.status).toBe(201);
      const list = (query: Record<string, string | number>) =>
        api
          .get('/api/azure-devops-sync/work-items')
          .query(query)
          .set('Authorization', user);
      const titles = async (query: Record<string, string | number>) => {
        const res = await list(query);
        expect(res.status).toBe(200);
        return (res.body.items as any[]).map(i => i.title).sort();
      };
      const fabrikam = () => emulator.state.org('fabrikam')!;
      const titlesIn = (project: string, filter = (_f: any) => true) =>
        [...fabrikam().workItems.values()]
          .filter(
            w => w.fields['System.TeamProject'] === project && filter(w.fields),
          )
          .map(w => String(w.fields['System.Title']))
          .sort();
      return { api, list, titles, titlesIn, organizationId: connected.body.id };
    }

    it('lists the project of an entity with only the project annotation, shaped as the contract says', async () => {
      const t = await setup();
      const res = await t.list({ entityRef: 'component:default/web' });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(t.titlesIn('Fabrikam-Fiber').length);
      expect(res.body.reason).toBeUndefined();
      expect(res.body.items.map((i: any) => i.title).sort()).toEqual(
        t.titlesIn('Fabrikam-Fiber'),
      );
      const login = res.body.items.find((i: any) => i.id === 1);
      expect(login).toEqual({
        id: 1,
        title: 'Login page returns 500 after password reset',
        type: 'Bug',
        state: 'Active',
        stateCategory: 'InProgress',
        assignedTo: {
          displayName: 'Alice Smith',
          email: 'alice@example.com',
          userEntityRef: 'user:default/alice',
        },
        changedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        url: `${running.url}/fabrikam/_workitems/edit/1`,
        issueIds: [],
      });
      // Carol has no catalog user: shown as ADO names her.
      const lazy = res.body.items.find(
        (i: any) => i.title === 'Lazy-load product images',
      );
      expect(lazy.assignedTo).toEqual({
        displayName: 'Carol White',
        email: 'carol@example.com',
      });
      expect(lazy.stateCategory).toBe('InProgress');
      const unassigned = res.body.items.find(
        (i: any) => i.title === 'Order history shows duplicate rows',
      );
      expect(unassigned.assignedTo).toBeNull();
      expect(unassigned.stateCategory).toBe('Proposed');
    });

    it('narrows to the area path (UNDER) and to items with every tag', async () => {
      const t = await setup();
      expect(
        await t.titles({ entityRef: 'component:default/web-area' }),
      ).toEqual(
        t.titlesIn('Fabrikam-Fiber', f =>
          String(f['System.AreaPath']).startsWith('Fabrikam-Fiber\\Web'),
        ),
      );
      expect(
        await t.titles({ entityRef: 'component:default/web-shop' }),
      ).toEqual([
        'As a customer I can save my cart',
        'Guest checkout without an account',
      ]);
    });

    it('answers 200 with a reason and no items when the entity lacks the annotations or its organization', async () => {
      const t = await setup();
      const none = await t.list({ entityRef: 'component:default/no-project' });
      expect(none.status).toBe(200);
      expect(none.body).toEqual({
        items: [],
        total: 0,
        reason: expect.stringContaining('dev.azure.com/project'),
      });
      const other = await t.list({ entityRef: 'component:default/other-org' });
      expect(other.body).toEqual({
        items: [],
        total: 0,
        reason: expect.stringContaining('contoso'),
      });
    });

    it('pages with top and skip, newest change first, total counting every match', async () => {
      const t = await setup();
      // Item 2 changes last, so it comes first.
      await fetch(`${running.url}/_admin/fabrikam/workitems/2`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { 'System.State': 'Active' } }),
      });
      const all = t.titlesIn('Fabrikam-Fiber').length;
      const first = await t.list({
        entityRef: 'component:default/web',
        top: 2,
      });
      expect(first.body.total).toBe(all);
      expect(first.body.items.map((i: any) => i.id)).toHaveLength(2);
      expect(first.body.items[0]).toMatchObject({ id: 2, state: 'Active' });
      const rest = await t.list({
        entityRef: 'component:default/web',
        top: 200,
        skip: 2,
      });
      expect(rest.body.total).toBe(all);
      expect(rest.body.items).toHaveLength(all - 2);
      const ids = [...first.body.items, ...rest.body.items].map(
        (i: any) => i.id,
      );
      expect(new Set(ids).size).toBe(all);
      const past = await t.list({
        entityRef: 'component:default/web',
        skip: 500,
      });
      expect(past.body).toEqual({ items: [], total: all });
    });

    it('filters by state, type, assignee (e-mail or catalog user) and text or id', async () => {
      const t = await setup();
      const web = { entityRef: 'component:default/web' };
      expect(await t.titles({ ...web, state: 'Active' })).toEqual(
        t.titlesIn('Fabrikam-Fiber', f => f['System.State'] === 'Active'),
      );
      expect(await t.titles({ ...web, type: 'Task' })).toEqual(
        t.titlesIn('Fabrikam-Fiber', f => f['System.WorkItemType'] === 'Task'),
      );
      expect(
        await t.titles({ ...web, assignedTo: 'Alice@Example.com' }),
      ).toEqual(['Login page returns 500 after password reset']);
      expect(
        await t.titles({ ...web, assignedTo: 'user:default/bob' }),
      ).toEqual(['As a customer I can save my cart']);
      expect(await t.titles({ ...web, q: 'CART' })).toEqual([
        'As a customer I can save my cart',
      ]);
      expect(await t.titles({ ...web, q: '#4' })).toEqual([
        'Add index on orders.customer_id',
      ]);
      expect(await t.titles({ ...web, q: "it's not there" })).toEqual([]);
    });

    it('keeps hostile annotation values inside WIQL literals', async () => {
      const t = await setup();
      for (const name of ['hostile-area', 'hostile-tags']) {
        const res = await t.list({ entityRef: `component:default/${name}` });
        expect({ name, status: res.status, body: res.body }).toEqual({
          name,
          status: 200,
          body: { items: [], total: 0 },
        });
      }
      // The whole value is taken as the project's name, which the organization does not have.
      const project = await t.list({
        entityRef: 'component:default/hostile-project',
      });
      expect(project.status).toBe(200);
      expect(project.body).toEqual({
        items: [],
        total: 0,
        reason:
          "The Azure DevOps organization fabrikam has no project Nope' OR [System.TeamProject] <> ' (from the dev.azure.com/project annotation).",
      });
      // A quote in a tag is a tag like any other.
      await fetch(`${running.url}/_admin/fabrikam/workitems/8`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { 'System.Tags': "O'Brien; crash" } }),
      });
      expect(
        await t.titles({ entityRef: 'component:default/quoted-tag' }),
      ).toEqual(["App crashes when the user name is O'Brien"]);
    });

    it('shows the portal issues linked to a work item', async () => {
      const t = await setup();
      const saved = await t.api
        .post('/api/azure-devops-sync/events')
        .set('Authorization', user)
        .send({
          entityRef: 'component:default/web',
          exception: { values: [{ type: 'Error', value: 'boom' }] },
        });
      expect(saved.status).toBe(201);
      const issueId = saved.body.items[0].issueId;
      // The page is read (and cached) before the link is made; the link shows at once anyway.
      const before = await t.list({
        entityRef: 'component:default/web',
        q: '3',
      });
      expect(before.body.items).toEqual([
        expect.objectContaining({ id: 3, issueIds: [] }),
      ]);
      await t.api
        .post(`/api/azure-devops-sync/issues/${issueId}/links`)
        .set('Authorization', user)
        .send({ organizationId: t.organizationId, workItemId: 3 })
        .expect(201);
      const res = await t.list({ entityRef: 'component:default/web', q: '3' });
      expect(res.body.items).toEqual([
        expect.objectContaining({ id: 3, issueIds: [issueId] }),
      ]);
      // Another entity on the same project sees the work item, not web's issue: its tab
      // links only to its own issues.
      const other = await t.list({
        entityRef: 'component:default/web-twin',
        q: '3',
      });
      expect(other.body.items).toEqual([
        expect.objectContaining({ id: 3, issueIds: [] }),
      ]);
    });

    it('reuses a page for a while instead of asking ADO again', async () => {
      const t = await setup();
      const stats = async () =>
        (await (await fetch(`${running.url}/_admin/stats`)).json()).byRoute;
      const wiqlCalls = async () =>
        Object.entries<number>(await stats())
          .filter(([route]) => route.includes('wiql'))
          .reduce((n, [, count]) => n + count, 0);
      const query = { entityRef: 'component:default/web', state: 'New' };
      await t.list(query).expect(200);
      const before = await wiqlCalls();
      const again = await t.list(query).expect(200);
      expect(await wiqlCalls()).toBe(before);
      expect(again.body.total).toBeGreaterThan(0);
      await t.list({ ...query, state: 'Closed' }).expect(200);
      expect(await wiqlCalls()).toBe(before + 1);
      // The tab's Refresh asks ADO again, and sees a change made there since.
      const [first] = again.body.items;
      await fetch(`${running.url}/_admin/fabrikam/workitems/${first.id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { 'System.Title': 'Renamed in ADO' } }),
      });
      const cachedPage = await t.list(query).expect(200);
      expect(cachedPage.body.items[0].title).toBe(first.title);
      const refreshed = await t.list({ ...query, refresh: 'true' }).expect(200);
      expect(await wiqlCalls()).toBe(before + 2);
      expect(refreshed.body.items.map((i: any) => i.title)).toContain(
        'Renamed in ADO',
      );
    });

    it('answers 400 for bad query parameters and 404 for an unknown entity', async () => {
      const t = await setup();
      const cases: Array<[Record<string, string | number>, RegExp]> = [
        [{}, /entityRef/],
        [
          { entityRef: 'component:default/web', top: 0 },
          /top: must be a whole number from 1 to 200/,
        ],
        [{ entityRef: 'component:default/web', top: 201 }, /top/],
        [{ entityRef: 'component:default/web', top: 'ten' }, /top/],
        [{ entityRef: 'component:default/web', skip: -1 }, /skip/],
        [
          { entityRef: 'component:default/web', q: 'x'.repeat(201) },
          /q: must be at most 200/,
        ],
        [
          { entityRef: 'component:default/web', state: 'New\nOR' },
          /state: must not contain control characters/,
        ],
        [{ entityRef: 'not a ref:' }, /entityRef/],
      ];
      for (const [query, message] of cases) {
        const res = await t.list(query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      const unknown = await t.list({ entityRef: 'component:default/nope' });
      expect(unknown.status).toBe(404);
      const anonymous = await t.api
        .get('/api/azure-devops-sync/work-items')
        .query({ entityRef: 'component:default/web' })
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });
  },
);
