import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  fakeAdoHandlers,
  fakeAdoState,
  FakeAdoState,
  makeProject,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin, TEST_PAT } from '../__testUtils__/startPlugin';

jest.setTimeout(60_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
const auth = mockCredentials.user.header();

describe.each(databases.eachSupportedId())(
  'org config routes (%s)',
  databaseId => {
    async function setup(
      state: FakeAdoState,
      options: Omit<Parameters<typeof startPlugin>[0], 'knex'> = {},
    ) {
      msw.use(...fakeAdoHandlers(state));
      const knex = await databases.init(databaseId);
      // Connect through an admin backend, then serve the test from one with the wanted options.
      const admin = await startPlugin({ knex });
      const connected = await request(admin)
        .post('/api/azure-devops-sync/organizations')
        .set('Authorization', auth)
        .send({ name: 'fabrikam' });
      expect(connected.status).toBe(201);
      const server =
        Object.keys(options).length === 0
          ? admin
          : await startPlugin({ knex, ...options });
      state.requests.length = 0;
      return { server, knex, orgId: connected.body.id as string };
    }

    const getConfig = (server: any, orgId: string, query = '') =>
      request(server)
        .get(`/api/azure-devops-sync/organizations/${orgId}/config${query}`)
        .set('Authorization', auth);

    it('returns the five fields in order, with per-project states for every project', async () => {
      const state = fakeAdoState({
        projects: 220,
        processIds: ['p-a', 'p-b', 'p-c'],
      });
      const { server, orgId } = await setup(state);
      const res = await getConfig(server, orgId);
      expect(res.status).toBe(200);
      expect(res.body.fields.map((f: any) => f.name)).toEqual([
        'sync_status_forward',
        'sync_forward_assignment',
        'sync_comments',
        'sync_status_reverse',
        'sync_reverse_assignment',
      ]);
      expect(res.body.fields.map((f: any) => f.type)).toEqual([
        'choice_mapper',
        'boolean',
        'boolean',
        'boolean',
        'boolean',
      ]);
      const mapper = res.body.fields[0];
      expect(mapper).toMatchObject({
        label: 'Sync Backstage Status to Azure DevOps',
        addButtonText: 'Add Azure DevOps Project',
        addDropdown: {
          emptyMessage: 'All projects configured',
          noResultsMessage: 'Could not find Azure DevOps project',
        },
        columnLabels: {
          on_resolve: 'When resolved',
          on_unresolve: 'When unresolved',
        },
        mappedColumnLabel: 'Azure DevOps Project',
        formatMessageValue: false,
      });
      expect(mapper.disabled).toBeUndefined();
      for (const field of res.body.fields)
        expect(field.help.length).toBeGreaterThan(20);

      // All 220 projects, each with states — not the reference's first six.
      expect(mapper.addDropdown.items).toHaveLength(220);
      const byProject = mapper.mappedSelectors.on_resolve.choicesByProject;
      expect(Object.keys(byProject)).toHaveLength(220);
      const [first, second] = state.projects;
      expect(byProject[first.id]).toContainEqual(['Triage 0', 'Triage 0']);
      expect(byProject[first.id]).not.toContainEqual(['Triage 1', 'Triage 1']);
      expect(byProject[second.id]).toContainEqual(['Triage 1', 'Triage 1']);
      expect(mapper.projectStates[first.id].defaultDoneStates).toEqual([
        'Resolved',
        'Closed',
      ]);

      // 1 project page + 1 processes call + 1 call per process; no per-project calls.
      expect(state.requests).toHaveLength(5);
      expect(res.body.values.sync_status_forward).toEqual({});
      expect(res.body.canUpdate).toBe(true);
      expect(JSON.stringify(res.body)).not.toContain(TEST_PAT);
    });

    it('serves the second read from the cache and reads ADO again on refresh', async () => {
      const state = fakeAdoState({ projects: 3 });
      const { server, orgId } = await setup(state);
      await getConfig(server, orgId);
      const afterFirst = state.requests.length;
      expect(afterFirst).toBeGreaterThan(0);
      await getConfig(server, orgId);
      expect(state.requests.length).toBe(afterFirst);
      await getConfig(server, orgId, '?refresh=true');
      expect(state.requests.length).toBe(afterFirst * 2);
    });

    it('answers an unchanged form with 304 to If-None-Match, and a changed one in full', async () => {
      const state = fakeAdoState({ projects: 2, processIds: ['p-a'] });
      const { server, orgId } = await setup(state);
      const first = await getConfig(server, orgId);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');

      const again = await getConfig(server, orgId).set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.text).toBeFalsy();
      // fetch() adds Cache-Control: no-cache to a request with If-None-Match; a weak tag (from
      // a compressing proxy) in a list matches too.
      const fromFetch = await getConfig(server, orgId)
        .set('Cache-Control', 'no-cache')
        .set('If-None-Match', `"other", W/${etag}`);
      expect(fromFetch.status).toBe(304);

      // A saved setting changes the answer: the old ETag gets the new form.
      const put = await request(server)
        .put(`/api/azure-devops-sync/organizations/${orgId}/config`)
        .set('Authorization', auth)
        .send({ sync_comments: true });
      expect(put.status).toBe(200);
      const changed = await getConfig(server, orgId).set('If-None-Match', etag);
      expect(changed.status).toBe(200);
      expect(changed.body.values.sync_comments).toBe(true);
      expect(changed.headers.etag).not.toBe(etag);

      // So does a project added in ADO, once the catalog is read again.
      state.projects.push(makeProject(2, 'p-a'));
      const refreshed = await getConfig(server, orgId, '?refresh=true').set(
        'If-None-Match',
        changed.headers.etag,
      );
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.fields[0].addDropdown.items).toHaveLength(3);
      expect(refreshed.headers.etag).not.toBe(changed.headers.etag);
    });

    it('gives readers and admins different ETags (their forms differ)', async () => {
      const state = fakeAdoState({ projects: 1 });
      const { server: admin, orgId, knex } = await setup(state);
      const reader = await startPlugin({
        knex,
        permission: AuthorizeResult.DENY,
      });
      const asAdmin = await getConfig(admin, orgId);
      const asReader = await getConfig(reader, orgId).set(
        'If-None-Match',
        asAdmin.headers.etag,
      );
      expect(asReader.status).toBe(200);
      expect(asReader.body.canUpdate).toBe(false);
      expect(asReader.headers.etag).not.toBe(asAdmin.headers.etag);
    });

    it('falls back to Bug → Issue → Task per project without the process API', async () => {
      const state = fakeAdoState({ projects: 2 });
      state.processApi = false;
      state.projects[0].types = {
        Bug: [
          { name: 'New', category: 'Proposed' },
          { name: 'Fixed', category: 'Resolved' },
        ],
      };
      // The second project's process has no Bug: its Issue states are used.
      state.projects[1].types = {
        Issue: [
          { name: 'To Do', category: 'Proposed' },
          { name: 'Done', category: 'Completed' },
        ],
      };
      const { server, orgId } = await setup(state);
      const res = await getConfig(server, orgId);
      const mapper = res.body.fields[0];
      expect(mapper.disabled).toBeUndefined();
      expect(mapper.mappedSelectors.on_resolve.choicesByProject).toEqual({
        [state.projects[0].id]: [
          ['New', 'New'],
          ['Fixed', 'Fixed'],
        ],
        [state.projects[1].id]: [
          ['To Do', 'To Do'],
          ['Done', 'Done'],
        ],
      });
      expect(
        mapper.projectStates[state.projects[1].id].defaultDoneStates,
      ).toEqual(['Done']);
    });

    it('disables only the mapper, with a reason, when ADO refuses the credential', async () => {
      const state = fakeAdoState({ projects: 2 });
      const { server, orgId } = await setup(state);
      state.failWith = 401;
      const res = await getConfig(server, orgId, '?refresh=true');
      expect(res.status).toBe(200);
      const [mapper, ...booleans] = res.body.fields;
      expect(mapper.disabled).toBe(true);
      expect(mapper.disabledReason).toMatch(/refused the credential/);
      for (const field of booleans) expect(field.disabled).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(TEST_PAT);
    });

    it('disables every field when the feature gate is off', async () => {
      const state = fakeAdoState({ projects: 1 });
      const { server, orgId } = await setup(state, {
        config: { issueSync: { enabled: false } },
      });
      const res = await getConfig(server, orgId);
      for (const field of res.body.fields) {
        expect(field.disabled).toBe(true);
        expect(field.disabledReason).toMatch(/issueSync.enabled/);
      }
      const put = await request(server)
        .put(`/api/azure-devops-sync/organizations/${orgId}/config`)
        .set('Authorization', auth)
        .send({ sync_comments: true });
      expect(put.status).toBe(400);
    });

    it('gives read-only fields and refuses writes without the update permission', async () => {
      const state = fakeAdoState({ projects: 1 });
      const { server, orgId } = await setup(state, {
        permission: AuthorizeResult.DENY,
      });
      const res = await getConfig(server, orgId);
      expect(res.body.canUpdate).toBe(false);
      for (const field of res.body.fields) expect(field.readOnly).toBe(true);
      const put = await request(server)
        .put(`/api/azure-devops-sync/organizations/${orgId}/config`)
        .set('Authorization', auth)
        .send({ sync_comments: true });
      expect(put.status).toBe(403);
      expect(put.body.error.message).toContain(
        'azure-devops-sync.config.update',
      );
    });

    it('validates updates with clear messages and round-trips what it stores', async () => {
      const state = fakeAdoState({ projects: 2, processIds: ['p-a', 'p-b'] });
      const { server, orgId } = await setup(state);
      const [p0, p1] = state.projects;
      const put = (body: unknown) =>
        request(server)
          .put(`/api/azure-devops-sync/organizations/${orgId}/config`)
          .set('Authorization', auth)
          .send(body as object);

      const incomplete = await put({
        sync_status_forward: { [p0.id]: { on_resolve: 'Resolved' } },
      });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.error.message).toBe(
        'Resolve and unresolve status are required.',
      );

      const sameState = await put({
        sync_status_forward: {
          [p0.id]: { on_resolve: 'Closed', on_unresolve: 'Closed' },
        },
      });
      expect(sameState.status).toBe(400);
      expect(sameState.body.error.message).toContain(
        'project Project 000 resolves and unresolves to the same state "Closed"',
      );

      const unknownKey = await put({ sync_all_the_things: true });
      expect(unknownKey.status).toBe(400);
      expect(unknownKey.body.error.message).toMatch(/sync_all_the_things/);

      const wrongType = await put({ sync_comments: 'yes' });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error.message).toMatch(/sync_comments/);

      // Triage 1 exists only in the second project's process.
      const wrongState = await put({
        sync_status_forward: {
          [p0.id]: { on_resolve: 'Triage 1', on_unresolve: 'Active' },
        },
      });
      expect(wrongState.status).toBe(400);
      expect(wrongState.body.error.message).toContain(
        '"Triage 1" does not exist in project Project 000',
      );

      const unknownProject = await put({
        sync_status_forward: {
          nope: { on_resolve: 'Resolved', on_unresolve: 'Active' },
        },
      });
      expect(unknownProject.status).toBe(400);
      expect(unknownProject.body.error.message).toContain(
        'project nope does not exist',
      );

      // Nothing was stored by the refused writes.
      expect(
        (await getConfig(server, orgId)).body.values.sync_status_forward,
      ).toEqual({});

      const ok = await put({
        sync_status_forward: {
          [p0.id]: { on_resolve: 'Resolved', on_unresolve: 'Active' },
          [p1.id]: { on_resolve: 'Closed', on_unresolve: 'Triage 1' },
        },
        sync_comments: true,
        inbound_done_states: { [p1.id]: ['Closed'] },
      });
      expect(ok.status).toBe(200);
      const replaced = await put({
        sync_status_forward: {
          [p1.id]: { on_resolve: 'Closed', on_unresolve: 'New' },
        },
        sync_status_reverse: true,
      });
      expect(replaced.status).toBe(200);
      const values = (await getConfig(server, orgId)).body.values;
      expect(values).toEqual({
        sync_status_forward: {
          [p1.id]: { on_resolve: 'Closed', on_unresolve: 'New' },
        },
        sync_forward_assignment: false,
        sync_comments: true,
        sync_status_reverse: true,
        sync_reverse_assignment: false,
        inbound_done_states: { [p1.id]: ['Closed'] },
      });
    });

    it('answers 404 for an organization that is not connected', async () => {
      const state = fakeAdoState({ projects: 1 });
      const { server } = await setup(state);
      const res = await getConfig(server, 'no-such-org');
      expect(res.status).toBe(404);
    });

    describe('domain check', () => {
      it('replaces a stored domain name that is not https://…/ with the looked-up one', async () => {
        const state = fakeAdoState({ projects: 1 });
        const { server, orgId, knex } = await setup(state);
        await knex('organizations')
          .where({ id: orgId })
          .update({ domain_name: 'fabrikam.visualstudio.com' });
        const res = await getConfig(server, orgId, '?refresh=true');
        expect(res.body.fields[0].disabled).toBeUndefined();
        expect(state.requests[0]).toContain(
          'app.vssps.visualstudio.com/_apis/resourceareas/',
        );
        const row = await knex('organizations').where({ id: orgId }).first();
        expect(row.domain_name).toBe('https://dev.azure.com/fabrikam/');
      });

      it('keeps the old value when the lookup fails, and says why', async () => {
        const state = fakeAdoState({ projects: 1 });
        const { server, orgId, knex } = await setup(state);
        await knex('organizations')
          .where({ id: orgId })
          .update({ domain_name: 'fabrikam.visualstudio.com' });
        state.locationUrl = null;
        const res = await getConfig(server, orgId, '?refresh=true');
        expect(res.body.fields[0].disabled).toBe(true);
        expect(res.body.fields[0].disabledReason).toMatch(
          /account lookup answered HTTP 404/,
        );
        const row = await knex('organizations').where({ id: orgId }).first();
        expect(row.domain_name).toBe('fabrikam.visualstudio.com');
      });

      it('refuses a locationUrl off the Azure DevOps hosts', async () => {
        const state = fakeAdoState({ projects: 1 });
        const { server, orgId, knex } = await setup(state);
        await knex('organizations')
          .where({ id: orgId })
          .update({ domain_name: 'fabrikam.visualstudio.com' });
        state.locationUrl = 'https://attacker.example.com/';
        const res = await getConfig(server, orgId, '?refresh=true');
        expect(res.body.fields[0].disabledReason).toMatch(
          /off the Azure DevOps hosts/,
        );
        const row = await knex('organizations').where({ id: orgId }).first();
        expect(row.domain_name).toBe('fabrikam.visualstudio.com');
        expect(
          state.requests.some(r => r.includes('attacker.example.com')),
        ).toBe(false);
      });
    });
  },
);
