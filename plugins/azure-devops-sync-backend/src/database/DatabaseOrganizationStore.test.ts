import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { createStores } from './createStores';
import { toApiOrganization } from './OrganizationStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'organization stores (%s)',
  databaseId => {
    async function setup() {
      const { knex, database } = await initDatabaseService(
        databases,
        databaseId,
      );
      const { organizations, configs } = await createStores({ database });
      return { knex, organizations, configs };
    }

    it('connects an organization once, however often it is asked', async () => {
      const { organizations } = await setup();
      const input = {
        name: 'fabrikam',
        externalId: 'acc-1',
        domainName: 'https://dev.azure.com/fabrikam/',
      };
      const [a, b] = await Promise.all([
        organizations.createOrGet(input),
        organizations.createOrGet(input),
      ]);
      expect(a.id).toBe(b.id);
      expect(await organizations.list()).toHaveLength(1);
      expect(await organizations.getByName('FABRIKAM')).toMatchObject({
        id: a.id,
      });
      expect(await organizations.getByExternalId('ACC-1')).toMatchObject({
        id: a.id,
      });
      expect(a.subscription.status).toBe('missing');
    });

    it('updates columns and never exposes the secret through the API view', async () => {
      const { organizations } = await setup();
      const org = await organizations.createOrGet({
        name: 'contoso',
        externalId: null,
        domainName: 'contoso.visualstudio.com',
      });
      const checkedAt = new Date('2026-11-26T10:00:00Z');
      const updated = await organizations.update(org.id, {
        domainName: 'https://contoso.visualstudio.com/',
        subscriptionId: 'sub-1',
        subscriptionSecret: 'top-secret-value',
        subscriptionStatus: 'enabled',
        subscriptionCheckedAt: checkedAt,
      });
      expect(updated.domainName).toBe('https://contoso.visualstudio.com/');
      expect(updated.subscription).toEqual({
        id: 'sub-1',
        secret: 'top-secret-value',
        status: 'enabled',
        checkedAt: checkedAt.toISOString(),
      });
      const api = toApiOrganization(updated);
      expect(JSON.stringify(api)).not.toContain('top-secret-value');
      // The other three hooks are not there yet: the API says so.
      expect(api.subscription).toEqual({
        id: 'sub-1',
        status: 'missing',
        lastCheckedAt: checkedAt.toISOString(),
      });
      for (const eventType of [
        'workitem.commented',
        'workitem.deleted',
        'workitem.restored',
      ] as const) {
        await organizations.saveHook(org.id, {
          eventType,
          id: `sub-${eventType}`,
          secret: `secret-of-${eventType}`,
          status: 'enabled',
        });
      }
      // Saved again (the health check does so each run): one row per event type.
      await organizations.saveHook(org.id, {
        eventType: 'workitem.deleted',
        id: 'sub-replaced',
        secret: 'secret-replaced',
        status: 'onProbation',
      });
      const all = (await organizations.get(org.id))!;
      expect(
        all.hooks.map(h => [h.eventType, h.id, h.secret, h.status]),
      ).toEqual([
        ['workitem.updated', 'sub-1', 'top-secret-value', 'enabled'],
        [
          'workitem.commented',
          'sub-workitem.commented',
          'secret-of-workitem.commented',
          'enabled',
        ],
        ['workitem.deleted', 'sub-replaced', 'secret-replaced', 'onProbation'],
        [
          'workitem.restored',
          'sub-workitem.restored',
          'secret-of-workitem.restored',
          'enabled',
        ],
      ]);
      const healthy = toApiOrganization(all);
      expect(healthy.subscription.status).toBe('enabled');
      expect(JSON.stringify(healthy)).not.toMatch(/secret-/);
      expect((await organizations.list())[0].hooks).toEqual(all.hooks);
      await expect(
        organizations.update('missing', { status: 'error' }),
      ).rejects.toThrow(/No organization/);
    });

    it('stores settings: mapping rows replaced as a whole, other keys merged', async () => {
      const { organizations, configs } = await setup();
      const org = await organizations.createOrGet({
        name: 'fabrikam',
        externalId: 'acc',
        domainName: 'https://dev.azure.com/fabrikam/',
      });
      expect(await configs.get(org.id)).toEqual({
        sync_status_forward: {},
        sync_forward_assignment: false,
        sync_comments: false,
        sync_status_reverse: false,
        sync_reverse_assignment: false,
        inbound_done_states: {},
      });
      await configs.update(org.id, {
        sync_status_forward: {
          p1: { on_resolve: 'Resolved', on_unresolve: 'Active' },
          p2: { on_resolve: 'Done', on_unresolve: 'To Do' },
        },
        sync_comments: true,
      });
      const after = await configs.update(
        org.id,
        {
          sync_status_forward: {
            p2: { on_resolve: 'Closed', on_unresolve: 'New' },
          },
          inbound_done_states: { p2: ['Closed'] },
        },
        'user:default/alice',
      );
      expect(after.sync_status_forward).toEqual({
        p2: { on_resolve: 'Closed', on_unresolve: 'New' },
      });
      expect(after.sync_comments).toBe(true);
      expect(after.inbound_done_states).toEqual({ p2: ['Closed'] });
      // A boolean-only update leaves the rows alone.
      const third = await configs.update(org.id, {
        sync_reverse_assignment: true,
      });
      expect(third.sync_status_forward).toEqual(after.sync_status_forward);
      expect(await configs.get(org.id)).toEqual(third);
    });
  },
);
