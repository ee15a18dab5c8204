import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Emulator, RunningEmulator } from '@internal/ado-emulator';
import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startPlugin } from './startPlugin';

export const user = mockCredentials.user.header();
const PAT_AUTH = `Basic ${Buffer.from(':demo-pat').toString('base64')}`;

/** Polls until `probe` returns something truthy. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/**
 * The plugin connected to the emulator's `fabrikam` with its service hook pointed at the test
 * server, two-way sync switched on, one issue of payments-api linked to a Payments bug.
 */
export async function createSyncHarness(
  emulator: Emulator,
  running: RunningEmulator,
  knex: Knex,
  options: {
    config?: JsonObject;
    rootConfig?: JsonObject;
    features?: BackendFeature[];
  } = {},
) {
  const host = new URL(running.url).host;
  const integrations = [
    { host, credentials: [{ personalAccessToken: 'demo-pat' }] },
  ];
  const server = await startPlugin({
    knex,
    config: options.config ?? {},
    integrations,
    features: options.features,
    rootConfig: options.rootConfig,
  });
  const api = request(server);
  const connected = await api
    .post('/api/azure-devops-sync/organizations')
    .set('Authorization', user)
    .send({ name: `${running.url}/fabrikam/` });
  expect(connected.status).toBe(201);
  const organizationId: string = connected.body.id;
  // ADO would call the public webhookBaseUrl; point the hooks (one per event type) at this
  // test server instead.
  const port = (server.address() as AddressInfo).port;
  for (const sub of emulator.state.org('fabrikam')!.subscriptions.values()) {
    sub.consumerInputs.url = `http://127.0.0.1:${port}/api/azure-devops-sync/webhooks/workitem`;
  }

  await api
    .put(`/api/azure-devops-sync/organizations/${organizationId}/config`)
    .set('Authorization', user)
    .send({
      sync_status_reverse: true,
      sync_reverse_assignment: true,
      sync_forward_assignment: true,
      sync_comments: true,
    })
    .expect(200);
  const saved = await api
    .post('/api/azure-devops-sync/events')
    .set('Authorization', user)
    .send({
      entityRef: 'component:default/payments-api',
      exception: {
        values: [
          {
            type: 'TypeError',
            value: 'amount is undefined',
            stacktrace: {
              frames: [{ module: 'charge', function: 'capture', in_app: true }],
            },
          },
        ],
      },
    });
  expect(saved.status).toBe(201);
  const issueId: string = saved.body.items[0].issueId;

  // A Payments (Scrum) bug: New → Approved → Committed → Done.
  const wiql = await fetch(`${running.url}/fabrikam/Payments/_apis/wit/wiql`, {
    method: 'POST',
    headers: {
      Authorization: PAT_AUTH,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      query:
        "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug'",
    }),
  }).then(r => r.json());
  const workItemId: number = wiql.workItems[0].id;
  await api
    .post(`/api/azure-devops-sync/issues/${issueId}/links`)
    .set('Authorization', user)
    .send({ organizationId, workItemId })
    .expect(201);

  const editInAdo = async (
    fields: Record<string, unknown>,
    as = 'carol@example.com',
  ) => {
    const res = await fetch(
      `${running.url}/_admin/fabrikam/workitems/${workItemId}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ as, fields }),
      },
    );
    expect(res.status).toBe(200);
    await emulator.whenDeliveriesIdle();
  };
  const issue = async () =>
    (
      await api
        .get(`/api/azure-devops-sync/issues/${issueId}`)
        .set('Authorization', user)
    ).body;
  const activity = async () =>
    (
      await api
        .get(`/api/azure-devops-sync/issues/${issueId}/activity`)
        .set('Authorization', user)
    ).body.items as any[];
  const deliveries = async () =>
    (
      await api
        .get(
          `/api/azure-devops-sync/organizations/${organizationId}/deliveries`,
        )
        .set('Authorization', user)
    ).body.items as any[];
  const workItem = () =>
    emulator.state.org('fabrikam')!.workItems.get(workItemId)!;
  return {
    api,
    knex,
    integrations,
    organizationId,
    issueId,
    workItemId,
    editInAdo,
    issue,
    activity,
    deliveries,
    workItem,
  };
}
