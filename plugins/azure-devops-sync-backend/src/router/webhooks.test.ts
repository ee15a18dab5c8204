import { mockCredentials } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ACCOUNT_ID,
  fakeAdoHandlers,
  fakeAdoState,
  fixture,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin } from '../__testUtils__/startPlugin';

jest.setTimeout(60_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('webhook route (%s)', databaseId => {
  async function setup() {
    const state = fakeAdoState({ projects: 1 });
    msw.use(...fakeAdoHandlers(state));
    const server = await startPlugin({
      knex: await databases.init(databaseId),
    });
    const organization = await request(server)
      .post('/api/azure-devops-sync/organizations')
      .set('Authorization', mockCredentials.user.header())
      .send({ name: 'fabrikam' })
      .expect(201);
    const [hook] = [...state.subscriptions.values()];
    const secret = hook.consumerInputs.httpHeaders.replace(
      /^Shared-Secret:/,
      '',
    );
    // The real capture, re-addressed to our organization.
    const delivery = fixture('hook-workitem-updated.json');
    delivery.resourceContainers.collection.id = ACCOUNT_ID;
    return { server, secret, delivery, organizationId: organization.body.id };
  }
  const post = (server: any) =>
    request(server)
      .post('/api/azure-devops-sync/webhooks/workitem')
      .set('Content-Type', 'application/json');

  it("keeps the reference's contract: 400, 401, 2xx", async () => {
    const { server, secret, delivery } = await setup();
    expect((await post(server).send('{not json')).status).toBe(400);
    const noType = await post(server).send({
      resourceContainers: { collection: { id: ACCOUNT_ID } },
    });
    expect(noType.status).toBe(400);
    expect(noType.body.error.message).toMatch(/eventType/);
    expect(
      (await post(server).send({ eventType: 'workitem.updated' })).status,
    ).toBe(400);
    expect(
      (
        await post(server).send({
          eventType: 'build.complete',
          resourceContainers: { collection: { id: 'x' } },
        })
      ).status,
    ).toBe(200);
    const unknownOrg = await post(server).send({
      ...delivery,
      resourceContainers: { collection: { id: 'nope' } },
    });
    expect(unknownOrg.status).toBe(400);
    expect(unknownOrg.body.error.message).toBe('Integration does not exist.');
    expect((await post(server).send(delivery)).status).toBe(401);
    expect(
      (await post(server).set('Shared-Secret', `${secret}x`).send(delivery))
        .status,
    ).toBe(401);
    const ok = await post(server).set('shared-secret', secret).send(delivery);
    expect(ok.status).toBe(200);

    const orgs = await request(server)
      .get('/api/azure-devops-sync/organizations')
      .set('Authorization', mockCredentials.user.header());
    expect(orgs.body.items[0].lastDeliveryAt).toEqual(expect.any(String));
  });

  it('stores a burst of deliveries, answering a repeat inside the burst as a duplicate', async () => {
    const { server, secret, delivery, organizationId } = await setup();
    const burst = Array.from({ length: 30 }, (_, i) => ({
      ...delivery,
      resource: { ...delivery.resource, workItemId: 9000 + i, rev: 2 },
    }));
    burst.push(burst[7]);
    const answers = await Promise.all(
      burst.map(body => post(server).set('Shared-Secret', secret).send(body)),
    );
    expect(answers.map(a => a.status)).toEqual(burst.map(() => 200));
    const statuses = answers.map(a => a.body.status);
    expect(statuses.filter(s => s === 'accepted')).toHaveLength(30);
    expect(statuses.filter(s => s === 'duplicate')).toHaveLength(1);
    expect(answers[30].body.id).toBe(answers[7].body.id);

    // No issue links to these work items: each is recorded as skipped, with the reason.
    const skipped = await request(server)
      .get(
        `/api/azure-devops-sync/organizations/${organizationId}/deliveries?status=skipped`,
      )
      .set('Authorization', mockCredentials.user.header())
      .expect(200);
    expect(skipped.body.items).toHaveLength(30);
    expect(skipped.body.items[0].outcome).toMatch(/No issue is linked/);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const { server } = await setup();
    const huge = JSON.stringify({
      eventType: 'workitem.updated',
      pad: 'x'.repeat(1024 * 1024 + 10),
    });
    const res = await post(server).send(huge);
    expect(res.status).toBe(413);
  });
});
