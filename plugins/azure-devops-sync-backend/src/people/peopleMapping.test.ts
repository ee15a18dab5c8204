import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
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
  'people mapping with the emulator (%s)',
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

    const setup = async () => {
      const t = await createSyncHarness(
        emulator,
        running,
        await databases.init(databaseId),
      );
      const path = `/api/azure-devops-sync/organizations/${t.organizationId}/people`;
      const people = async () =>
        (await t.api.get(path).set('Authorization', user).expect(200)).body;
      const put = (items: unknown) =>
        t.api.put(path).set('Authorization', user).send({ items });
      // Each ADO edit in these tests is a delivery; wait until it is no longer pending.
      const applied = () =>
        eventually('the delivery to be processed', async () =>
          (await t.deliveries()).some(
            d => d.revision === t.workItem().rev && d.status !== 'pending',
          ),
        );
      return { ...t, people, put, applied };
    };

    it('replaces the mapping only with catalog users, and says which are not', async () => {
      const t = await setup();
      expect(await t.people()).toEqual({ items: [], suggestions: [] });
      const saved = await t.put([
        { adoIdentity: ' CONTOSO\\BJones ', userEntityRef: 'user:default/bob' },
        { adoIdentity: 'alice.guest@partner.example', userEntityRef: 'alice' },
      ]);
      expect(saved.status).toBe(200);
      const mapping = [
        { adoIdentity: 'CONTOSO\\BJones', userEntityRef: 'user:default/bob' },
        {
          adoIdentity: 'alice.guest@partner.example',
          userEntityRef: 'user:default/alice',
        },
      ];
      expect(saved.body).toEqual({ items: mapping, suggestions: [] });

      const bad: Array<[unknown, RegExp]> = [
        [
          [
            {
              adoIdentity: 'x@example.com',
              userEntityRef: 'user:default/alice',
            },
            {
              adoIdentity: 'y@example.com',
              userEntityRef: 'user:default/nobody',
            },
            {
              adoIdentity: 'z@example.com',
              userEntityRef: 'user:default/ghost',
            },
          ],
          /user:default\/nobody, user:default\/ghost are not Users in the catalog/,
        ],
        [
          [
            {
              adoIdentity: 'x@example.com',
              userEntityRef: 'component:default/payments-api',
            },
          ],
          /items\.0\.userEntityRef: component:default\/payments-api is not a User entity ref/,
        ],
        [
          [
            {
              adoIdentity: 'x@example.com',
              userEntityRef: 'user:default/alice',
            },
            {
              adoIdentity: 'X@Example.com ',
              userEntityRef: 'user:default/bob',
            },
          ],
          /items\.1\.adoIdentity: X@Example\.com is mapped twice \(also at items\.0\)/,
        ],
        [
          [{ adoIdentity: '  ', userEntityRef: 'user:default/alice' }],
          /items\.0\.adoIdentity: must not be empty/,
        ],
        [
          [{ adoIdentity: 'a\nb', userEntityRef: 'user:default/alice' }],
          /control characters/,
        ],
        [
          [{ userEntityRef: 'user:default/alice' }],
          /items\.0\.adoIdentity: required/,
        ],
        ['not a list', /items/],
      ];
      for (const [items, message] of bad) {
        const res = await t.put(items);
        expect({ items, status: res.status }).toEqual({ items, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      // Nothing changed.
      expect((await t.people()).items).toEqual(mapping);

      const unknownOrg = await t.api
        .get('/api/azure-devops-sync/organizations/nope/people')
        .set('Authorization', user);
      expect(unknownOrg.status).toBe(404);
    });

    it('suggests an unmatched assignee also when ADO → Backstage assignment is off', async () => {
      const t = await setup();
      await t.api
        .put(`/api/azure-devops-sync/organizations/${t.organizationId}/config`)
        .set('Authorization', user)
        .send({ sync_reverse_assignment: false })
        .expect(200);
      await t.editInAdo({ 'System.AssignedTo': 'dan@example.com' });
      await t.applied();
      expect((await t.issue()).assignee).toBeNull();
      expect((await t.people()).suggestions).toEqual([
        expect.objectContaining({ adoIdentity: 'dan@example.com' }),
      ]);
    });

    it('inbound: the mapping wins over e-mail; an unmatched assignee becomes a suggestion', async () => {
      const t = await setup();
      // Dan has no catalog user: the issue stays unassigned, and he is suggested.
      await t.editInAdo({ 'System.AssignedTo': 'dan@example.com' });
      await t.applied();
      expect((await t.issue()).assignee).toBeNull();
      expect((await t.people()).suggestions).toEqual([
        {
          adoIdentity: 'dan@example.com',
          displayName: 'Dan Brown',
          lastSeenAt: expect.any(String),
        },
      ]);
      // Someone who may not change the mapping sees it, but not the identities ADO sent.
      const reader = request(
        await startPlugin({
          knex: t.knex,
          permission: AuthorizeResult.DENY,
          integrations: t.integrations,
        }),
      );
      const read = await reader
        .get(`/api/azure-devops-sync/organizations/${t.organizationId}/people`)
        .set('Authorization', user);
      expect(read.status).toBe(200);
      expect(read.body.suggestions).toEqual([]);

      await t
        .put([
          {
            adoIdentity: 'Dan@Example.com',
            userEntityRef: 'user:default/alice',
          },
          // Bob's ADO e-mail matches Bob's catalog e-mail, but the mapping says otherwise.
          {
            adoIdentity: 'bob@example.com',
            userEntityRef: 'user:default/alice',
          },
        ])
        .expect(200);
      expect((await t.people()).suggestions).toEqual([]);

      await t.editInAdo({ 'System.AssignedTo': 'bob@example.com' });
      await eventually(
        'the mapped assignment',
        async () => (await t.issue()).assignee === 'user:default/alice',
      );
      await t.editInAdo({ 'System.AssignedTo': null });
      await eventually(
        'the unassignment',
        async () => (await t.issue()).assignee === null,
      );
      await t.editInAdo({ 'System.AssignedTo': 'dan@example.com' });
      await eventually(
        'the mapped assignment of dan',
        async () => (await t.issue()).assignee === 'user:default/alice',
      );
    });

    it('outbound: assigns the ADO identity the mapping names for the catalog user', async () => {
      const t = await setup();
      await t
        .put([
          { adoIdentity: 'dan@example.com', userEntityRef: 'user:default/bob' },
        ])
        .expect(200);
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ assignee: 'user:default/bob' })
        .expect(200);
      await eventually('the mapped assignment in ADO', async () =>
        String(t.workItem().fields['System.AssignedTo'] ?? '') ===
        'dan@example.com'
          ? true
          : undefined,
      );
      // ADO's delivery of that revision is known for the echo of our write.
      const echoRevision = t.workItem().rev;
      const echo = await eventually('the echo delivery', async () =>
        (
          await t.deliveries()
        ).find(d => d.revision === echoRevision && d.status !== 'pending'),
      );
      expect(echo.outcome).toBe(
        `Echo of our own change (revision ${echoRevision})`,
      );
      // Alice is not mapped: her catalog e-mail picks her ADO identity, as before.
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ assignee: 'user:default/alice' })
        .expect(200);
      await eventually('the e-mail assignment in ADO', async () =>
        String(t.workItem().fields['System.AssignedTo'] ?? '') ===
        'alice@example.com'
          ? true
          : undefined,
      );
      expect((await t.issue()).assignee).toBe('user:default/alice');
    });

    it('answers 403 to a PUT without the config update permission', async () => {
      const server = await startPlugin({
        knex: await databases.init(databaseId),
        permission: AuthorizeResult.DENY,
      });
      const res = await request(server)
        .put('/api/azure-devops-sync/organizations/any/people')
        .set('Authorization', user)
        .send({ items: [] });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /azure-devops-sync\.config\.update/,
      );
    });
  },
);
