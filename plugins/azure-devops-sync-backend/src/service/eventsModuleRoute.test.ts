import { createEmulator, RunningEmulator } from '@internal/ado-emulator';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { dirname, join } from 'node:path';
import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import { createSyncHarness, eventually } from '../__testUtils__/syncHarness';

jest.setTimeout(90_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

/**
 * `@backstage/plugin-events-backend-module-azure`'s default export is a feature loader of its two
 * modules (the `azureDevOps` HTTP ingress with its secret check, and the router that republishes
 * on `azureDevOps.<eventType>`); the loader's `import()` does not run under jest, so the test
 * loads those two modules from the package itself.
 */
function azureEventsModules(): BackendFeature[] {
  const dist = dirname(
    require.resolve('@backstage/plugin-events-backend-module-azure'),
  );
  return [
    'service/eventsModuleAzureDevOpsWebhook.cjs.js',
    'service/eventsModuleAzureDevOpsEventRouter.cjs.js',
  ].map(file => require(join(dist, file)).default);
}

const EVENTS_SECRET = 'events-module-secret-0123456789';

/**
 * The alternative hook target: service hooks sent to the events backend's Azure DevOps route
 * (`/api/events/http/azureDevOps`, `@backstage/plugin-events-backend-module-azure`) reach the
 * plugin through the events service, and change the issue as the plugin's own webhook would.
 */
describe.each(databases.eachSupportedId())(
  'service hooks through the events backend (%s)',
  databaseId => {
    let running: RunningEmulator;
    afterEach(() => running?.close());

    /** The plugin beside the events backend and the real Azure module, on the emulator. */
    async function start(id: typeof databaseId) {
      const emulator = createEmulator({ deliveryRetryDelaysMs: [50, 100] });
      running = await emulator.listen(0, '127.0.0.1');
      const t = await createSyncHarness(
        emulator,
        running,
        await databases.init(id),
        {
          features: [
            eventsPlugin,
            ...azureEventsModules(),
            eventsServiceFactory,
          ],
          rootConfig: {
            events: {
              modules: { azureDevOps: { webhookSecret: EVENTS_SECRET } },
            },
          },
        },
      );
      return { emulator, t };
    }

    it('applies updated, deleted and restored deliveries the Azure events module checked', async () => {
      const { emulator, t } = await start(databaseId);
      // Point every hook at the events route with the module's secret header, as an adopter
      // who routes service hooks through the events backend does.
      const subscriptions = [
        ...emulator.state.org('fabrikam')!.subscriptions.values(),
      ];
      const ourWebhook = new URL(subscriptions[0].consumerInputs.url);
      for (const sub of subscriptions) {
        sub.consumerInputs.url = `${ourWebhook.origin}/api/events/http/azureDevOps`;
        sub.consumerInputs.httpHeaders = `X-ADO-Webhook-Secret:${EVENTS_SECRET}`;
      }

      await t.editInAdo({ 'System.State': 'Done' });
      await eventually(
        'the issue resolved from ADO',
        async () => (await t.issue()).status === 'resolved',
      );
      const delivered = await t.deliveries();
      expect(delivered.map(d => d.eventType)).toContain('workitem.updated');

      const admin = `${running.url}/_admin/fabrikam/workitems/${t.workItemId}`;
      expect((await fetch(admin, { method: 'DELETE' })).status).toBe(200);
      await emulator.whenDeliveriesIdle();
      await eventually(
        'the link broken by the deletion',
        async () => (await t.issue()).links[0]?.broken === true,
      );
      await fetch(`${admin}/restore`, { method: 'POST' });
      await emulator.whenDeliveriesIdle();
      await eventually('the link whole again after the restore', async () => {
        const [link] = (await t.issue()).links;
        return link && !link.broken;
      });
    });

    it('stores nothing the module refused for a wrong secret', async () => {
      const { emulator, t } = await start(databaseId);
      const port = new URL(
        [
          ...emulator.state.org('fabrikam')!.subscriptions.values(),
        ][0].consumerInputs.url,
      ).port;
      const before = (await t.deliveries()).length;
      const res = await fetch(
        `http://127.0.0.1:${port}/api/events/http/azureDevOps`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-ADO-Webhook-Secret': 'not-the-secret',
          },
          body: JSON.stringify({ eventType: 'workitem.updated' }),
        },
      );
      expect(res.status).toBe(403);
      expect((await t.deliveries()).length).toBe(before);
      expect((await t.issue()).status).toBe('unresolved');
    });
  },
);
