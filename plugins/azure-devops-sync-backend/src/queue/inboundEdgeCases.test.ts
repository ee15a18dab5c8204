import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  fixture,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin } from '../__testUtils__/startPlugin';
import {
  createSyncHarness,
  eventually,
  user,
} from '../__testUtils__/syncHarness';

jest.setTimeout(90_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'inbound edge cases (%s)',
  databaseId => {
    let emulator: Emulator;
    let running: RunningEmulator;

    beforeEach(async () => {
      emulator = createEmulator({ deliveryRetryDelaysMs: [50, 100, 200] });
      running = await emulator.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await running.close();
    });

    it('leaves the issue unchanged, and says why, when no catalog user has the e-mail', async () => {
      const t = await createSyncHarness(
        emulator,
        running,
        await databases.init(databaseId),
      );
      await t.editInAdo({ 'System.AssignedTo': 'dan@example.com' });
      const delivery = await eventually('the delivery', async () =>
        (
          await t.deliveries()
        ).find(d => d.revision === t.workItem().rev && d.status !== 'pending'),
      );
      expect(delivery.outcome).toContain(
        'no catalog user has the e-mail dan@example.com',
      );
      expect((await t.issue()).assignee).toBeNull();
    });

    it('only assigns members of the owning team when requireOwnerMembership is on', async () => {
      const t = await createSyncHarness(
        emulator,
        running,
        await databases.init(databaseId),
        {
          config: { inbound: { requireOwnerMembership: true } },
        },
      );
      // Bob is in the catalog but not in team-payments, which owns payments-api.
      await t.editInAdo({ 'System.AssignedTo': 'bob@example.com' });
      const refused = await eventually('the delivery', async () =>
        (
          await t.deliveries()
        ).find(d => d.revision === t.workItem().rev && d.status !== 'pending'),
      );
      expect(refused.outcome).toContain(
        'not a member of the team owning component:default/payments-api',
      );
      expect((await t.issue()).assignee).toBeNull();
      await t.editInAdo({ 'System.AssignedTo': 'alice@example.com' });
      await eventually(
        'alice',
        async () => (await t.issue()).assignee === 'user:default/alice',
      );
    });

    it('keeps a delivery pending when the done states cannot be read, and applies it on a later sweep', async () => {
      const knex = await databases.init(databaseId);
      const t = await createSyncHarness(emulator, running, knex);
      const orgs = await t.api
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', user);
      const sub = [
        ...emulator.state.org('fabrikam')!.subscriptions.values(),
      ][0];
      const secret = String(sub.consumerInputs.httpHeaders).replace(
        /^Shared-Secret:/,
        '',
      );
      const paymentsId = (
        await t.api
          .get(
            `/api/azure-devops-sync/organizations/${t.organizationId}/config`,
          )
          .set('Authorization', user)
      ).body.fields[0].addDropdown.items.find(
        (p: any) => p.label === 'Payments',
      ).value;

      // A second replica with a cold cache, while ADO fails every process and project read.
      emulator.knobs.set({
        fail: { status: 503, count: 10_000, pathContains: '/_apis/' },
      });
      const replica = request(
        await startPlugin({ knex, integrations: t.integrations }),
      );
      const delivery = fixture('hook-workitem-updated.json');
      delivery.resourceContainers.collection.id = orgs.body.items[0].externalId;
      delivery.resourceContainers.project.id = paymentsId;
      delivery.resource.workItemId = t.workItemId;
      delivery.resource.rev = t.workItem().rev + 1;
      delivery.resource.fields = {
        'System.State': { oldValue: 'Committed', newValue: 'Done' },
      };
      const accepted = await replica
        .post('/api/azure-devops-sync/webhooks/workitem')
        .set('Shared-Secret', secret)
        .send(delivery);
      expect(accepted.status).toBe(200);
      const pending = await eventually('a failed attempt', async () =>
        (
          await t.deliveries()
        ).find(d => d.id === accepted.body.id && d.lastError),
      );
      // It never guesses: no unresolve, no resolve, just waiting.
      expect(pending.status).toBe('pending');
      expect(pending.lastError).toMatch(/HTTP 503/);
      expect((await t.issue()).status).toBe('unresolved');

      // ADO recovers; once the retry is due, a restarted replica's sweep applies it.
      emulator.knobs.set({ fail: null });
      await new Promise(r => setTimeout(r, 4500));
      await startPlugin({
        knex,
        integrations: t.integrations,
        runScheduledTasksOnStart: true,
      });
      await eventually(
        'the retried delivery',
        async () => (await t.issue()).status === 'resolved',
        20_000,
      );
    });

    it('reconciles a change whose delivery never arrived', async () => {
      const knex = await databases.init(databaseId);
      const t = await createSyncHarness(emulator, running, knex);
      // Deliveries are lost: the hook points nowhere.
      const sub = [
        ...emulator.state.org('fabrikam')!.subscriptions.values(),
      ][0];
      sub.consumerInputs.url = 'http://127.0.0.1:9/nowhere';
      await t.editInAdo({ 'System.State': 'Done' });
      expect((await t.issue()).status).toBe('unresolved');

      // The hourly reconciliation (run at start-up here) finds the unseen revision.
      await startPlugin({
        knex,
        integrations: t.integrations,
        runScheduledTasksOnStart: true,
      });
      await eventually(
        'the reconciled change',
        async () => (await t.issue()).status === 'resolved',
        20_000,
      );
      const resolved = (await t.activity()).find(
        a => a.type === 'set_resolved',
      );
      expect(resolved.source).toMatchObject({
        kind: 'azure-devops',
        revision: t.workItem().rev,
      });
    });
  },
);
