import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import {
  API,
  connectFabrikam,
  ConnectedOrg,
  createBug,
  createIssues,
  linkIssue,
  LoggedEmulator,
  mapPaymentsStatus,
  ReliabilityBackend,
  startBackend,
  startLoggedEmulator,
  until,
  user,
} from '../reliability/__testUtils__/harness';

jest.setTimeout(90_000);

// msw wraps fetch so requests to the emulator on 127.0.0.1 pass jest's network guard.
const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

/**
 * A link's sync state as the portal shows it, with the real outbox worker writing to the
 * emulator (its fault knobs play an ADO in trouble). The backend's scheduler is driven by hand:
 * `until` runs the 5-second queue sweep that retries jobs whose backoff has passed.
 */
describe.each(databases.eachSupportedId())(
  'link sync state against the emulator (%s)',
  databaseId => {
    let emu: LoggedEmulator;
    let backend: ReliabilityBackend;
    let org: ConnectedOrg;
    let issueId: string;
    let workItemId: number;

    beforeEach(async () => {
      emu = await startLoggedEmulator();
      backend = await startBackend({
        knex: await databases.init(databaseId),
        integrations: [
          {
            host: new URL(emu.url).host,
            credentials: [{ personalAccessToken: 'demo-pat' }],
          },
        ],
      });
      org = await connectFabrikam(backend, emu);
      [issueId] = await createIssues(backend, 1, 'LinkSync');
      workItemId = await createBug(emu, 'link sync', 'New');
      await linkIssue(backend, issueId, org.organizationId, workItemId);
      await emu.emulator.whenDeliveriesIdle();
    });
    afterEach(async () => {
      await emu.close();
    });

    const linkPath = () =>
      `${API}/issues/${issueId}/links/${org.organizationId}/${workItemId}`;
    const stateInAdo = () =>
      emu.emulator.state.org('fabrikam')!.workItems.get(workItemId)!.fields[
        'System.State'
      ];
    const sync = async () =>
      (
        await backend.api
          .get(`${API}/issues/${issueId}`)
          .set('Authorization', user)
          .expect(200)
      ).body.links[0]?.sync;
    const syncBecomes = (what: string, test: (s: any) => boolean) =>
      until(
        what,
        async () => {
          const s = await sync();
          return s && test(s) ? s : undefined;
        },
        { sweep: backend.sweep, ms: 30_000 },
      );
    const resolve = () =>
      backend.api
        .patch(`${API}/issues/${issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);
    const retry = () =>
      backend.api.post(`${linkPath()}/retry`).set('Authorization', user);
    // Only the work item's own URL: its reads and writes fail, the rest of ADO works.
    const failWorkItem = (status: number, count: number) =>
      emu.emulator.knobs.set({
        fail: {
          status,
          count,
          pathContains: `/_apis/wit/workitems/${workItemId}`,
        },
      });
    const mapStatus = async (projects: string[]) => {
      const config = await backend.api
        .get(`${API}/organizations/${org.organizationId}/config`)
        .set('Authorization', user);
      const idOf = (name: string) =>
        config.body.fields[0].addDropdown.items.find(
          (p: any) => p.label === name,
        ).value;
      await backend.api
        .put(`${API}/organizations/${org.organizationId}/config`)
        .set('Authorization', user)
        .send({
          sync_status_forward: Object.fromEntries(
            projects.map(name => [
              idOf(name),
              name === 'Payments'
                ? { on_resolve: 'Done', on_unresolve: 'Committed' }
                : { on_resolve: 'Closed', on_unresolve: 'Active' },
            ]),
          ),
        })
        .expect(200);
    };

    it('is pending with the error and the next try while ADO answers 500, then synced', async () => {
      await mapPaymentsStatus(backend, org);
      expect(await sync()).toMatchObject({ status: 'synced' });
      // Two job attempts fail (the client tries each call twice), the third gets through.
      failWorkItem(500, 4);
      const resolved = await resolve();
      expect(resolved.body.links[0].sync.status).toBe('pending');

      const pending = await syncBecomes(
        'a pending state with the error',
        s => s.status === 'pending' && Boolean(s.reason),
      );
      expect(pending.reason).toMatch(
        /HTTP 500.*; next try at \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      );
      expect(pending.reason).not.toContain('demo-pat');

      const synced = await syncBecomes('synced', s => s.status === 'synced');
      expect(synced.reason).toBeUndefined();
      expect(stateInAdo()).toBe('Done');
    });

    it('fails for good on an error ADO will repeat, and a retry gets it through', async () => {
      await mapPaymentsStatus(backend, org);
      failWorkItem(400, 1);
      await resolve();
      const failed = await syncBecomes('failed', s => s.status === 'failed');
      expect(failed.reason).toMatch(/HTTP 400/);
      expect(stateInAdo()).toBe('New');

      const retried = await retry();
      expect(retried.status).toBe(202);
      expect(retried.body.links[0].sync.status).toBe('pending');
      await syncBecomes('synced', s => s.status === 'synced');
      expect(stateInAdo()).toBe('Done');
    });

    it('shows the rule that skipped a change until a retry finds it mapped', async () => {
      await resolve();
      expect(
        await syncBecomes('skipped', s => s.status === 'skipped'),
      ).toMatchObject({
        reason: 'Status sync to Azure DevOps is off (no project mapping)',
      });

      // Another project mapped: Payments still is not.
      await mapStatus(['Mobile']);
      expect((await retry()).status).toBe(202);
      expect(
        await syncBecomes(
          'skipped for Payments',
          s => s.status === 'skipped' && /Payments/.test(s.reason),
        ),
      ).toMatchObject({ reason: 'No status mapping for project Payments' });
      expect(stateInAdo()).toBe('New');

      await mapStatus(['Mobile', 'Payments']);
      expect((await retry()).status).toBe(202);
      await syncBecomes('synced', s => s.status === 'synced');
      expect(stateInAdo()).toBe('Done');
      expect((await retry()).status).toBe(409);
    });

    it('unlinks while a change waits to retry: the change never reaches ADO', async () => {
      await mapPaymentsStatus(backend, org);
      failWorkItem(500, 1000);
      await resolve();
      await syncBecomes(
        'a pending state with the error',
        s => s.status === 'pending' && Boolean(s.reason),
      );

      const unlinked = await backend.api
        .delete(linkPath())
        .set('Authorization', user);
      expect(unlinked.status).toBe(204);
      emu.emulator.knobs.reset();

      const issue = await backend.api
        .get(`${API}/issues/${issueId}`)
        .set('Authorization', user);
      expect(issue.body.links).toEqual([]);
      const activity = await backend.api
        .get(`${API}/issues/${issueId}/activity`)
        .set('Authorization', user);
      expect(activity.body.items[0]).toMatchObject({
        type: 'unlinked',
        data: { workItemId },
      });
      // Sweeps past the job's backoff: had it been kept, ADO would have it by then.
      const deadline = Date.now() + 4500;
      while (Date.now() < deadline) {
        await backend.sweep();
        await new Promise(r => setTimeout(r, 200));
      }
      const jobs = await backend.api
        .get(`${API}/organizations/${org.organizationId}/jobs`)
        .set('Authorization', user);
      expect(
        jobs.body.items
          .filter((j: any) => j.workItemId === workItemId)
          .map((j: any) => [j.payload.kind, j.status, j.outcome]),
      ).toEqual([
        ['status', 'skipped', 'The work item was unlinked from the issue'],
      ]);
      expect(stateInAdo()).toBe('New');
    });
  },
);
