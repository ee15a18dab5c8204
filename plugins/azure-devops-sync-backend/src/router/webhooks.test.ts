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
    const knex = await databases.init(databaseId);
    const server = await startPlugin({ knex });
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
    const inboxRows = async () =>
      Number((await knex('inbox_deliveries').count({ n: '*' }))[0].n);
    return {
      server,
      secret,
      delivery,
      organizationId: organization.body.id,
      inboxRows,
    };
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

  describe('refuses what can never be stored correctly, once the sender is authenticated', () => {
    const deep = (depth: number, leaf = '1') =>
      `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

    it.each<[string, (d: any) => void, RegExp]>([
      ['revision "abc"', d => (d.resource.rev = 'abc'), /resource\.rev/],
      ['revision -1', d => (d.resource.rev = -1), /resource\.rev/],
      ['revision 1.5', d => (d.resource.rev = 1.5), /resource\.rev/],
      ['revision "2" (a string)', d => (d.resource.rev = '2'), /resource\.rev/],
      [
        'no revision',
        d => {
          delete d.resource.rev;
          delete d.resource.revision.rev;
        },
        /resource\.rev: Required/,
      ],
      [
        'work item id "1e3"',
        d => (d.resource.workItemId = '1e3'),
        /resource\.workItemId/,
      ],
      [
        'work item id "12"',
        d => (d.resource.workItemId = '12'),
        /resource\.workItemId/,
      ],
      [
        'work item id 2^31',
        d => (d.resource.workItemId = 2 ** 31),
        /resource\.workItemId/,
      ],
    ])(
      'workitem.updated with %s → 400, nothing stored',
      async (_n, mutate, field) => {
        const { server, secret, delivery, inboxRows } = await setup();
        mutate(delivery);
        const res = await post(server)
          .set('Shared-Secret', secret)
          .send(delivery);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(field);
        expect(await inboxRows()).toBe(0);
        // Without the secret the answer stays a 401: nothing is told past the envelope.
        expect((await post(server).send(delivery)).status).toBe(401);
      },
    );

    it('workitem.commented/deleted need a positive integer revision and id too', async () => {
      const { server, secret, inboxRows } = await setup();
      for (const file of [
        'hook-workitem-commented.json',
        'hook-workitem-deleted.json',
      ]) {
        const bad = fixture(file);
        bad.resourceContainers.collection.id = ACCOUNT_ID;
        bad.resource.rev = 'abc';
        const res = await post(server).set('Shared-Secret', secret).send(bad);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/resource\.rev/);
        const stringId = fixture(file);
        stringId.resourceContainers.collection.id = ACCOUNT_ID;
        stringId.resource.id = '5';
        const res2 = await post(server)
          .set('Shared-Secret', secret)
          .send(stringId);
        expect(res2.status).toBe(400);
        expect(res2.body.error.message).toMatch(/resource\.id/);
      }
      expect(await inboxRows()).toBe(0);
      // The published samples themselves are stored.
      for (const file of [
        'hook-workitem-commented.json',
        'hook-workitem-deleted.json',
      ]) {
        const good = fixture(file);
        good.resourceContainers.collection.id = ACCOUNT_ID;
        const res = await post(server).set('Shared-Secret', secret).send(good);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('accepted');
      }
      expect(await inboxRows()).toBe(2);
    });

    it('stores workitem.restored, and acknowledges workitem.created without storing it', async () => {
      const { server, secret, inboxRows } = await setup();
      const restored = fixture('hook-workitem-restored.json');
      restored.resourceContainers.collection.id = ACCOUNT_ID;
      const stored = await post(server)
        .set('Shared-Secret', secret)
        .send(restored);
      expect(stored.status).toBe(200);
      expect(stored.body.status).toBe('accepted');
      const created = fixture('hook-workitem-created.json');
      created.resourceContainers.collection.id = ACCOUNT_ID;
      const res = await post(server).set('Shared-Secret', secret).send(created);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ignored',
        eventType: 'workitem.created',
      });
      expect(await inboxRows()).toBe(1);
    });

    it.each<[string, 'body' | 'fields' | 'snapshot']>([
      ['100,000 levels as the whole body', 'body'],
      ['5,000 levels inside resource.fields', 'fields'],
      ['65 levels inside the revision snapshot', 'snapshot'],
    ])('JSON nested %s → 400, not a 503', async (_n, where) => {
      const { server, secret, delivery, inboxRows } = await setup();
      const text = JSON.stringify(delivery);
      const bodies = {
        body: () => deep(100_000),
        fields: () =>
          text.replace('"fields":{', `"fields":{"Custom.Deep":${deep(5_000)},`),
        snapshot: () =>
          text.replace('"revision":{', `"revision":{"deep":${deep(65, '{}')},`),
      };
      const body = bodies[where]();
      const res = await post(server).set('Shared-Secret', secret).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/nests deeper than|no valid body/);
      expect(await inboxRows()).toBe(0);
    });

    it('still stores a delivery nested as deep as real ones get', async () => {
      const { server, secret, delivery, inboxRows } = await setup();
      delivery.resource.revision.fields['Custom.Nested'] = JSON.parse(
        deep(40, '{}'),
      );
      const res = await post(server)
        .set('Shared-Secret', secret)
        .send(delivery);
      expect(res.status).toBe(200);
      expect(await inboxRows()).toBe(1);
    });
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
