import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { createStores } from './createStores';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'inbox accept with prepared statements on (%s)',
  databaseId => {
    async function setup() {
      const { knex, database } = await initDatabaseService(
        databases,
        databaseId,
      );
      const { organizations, inbox } = await createStores({
        database,
        preparedStatements: true,
      });
      const org = await organizations.createOrGet({
        name: 'fabrikam',
        externalId: 'acc-1',
        domainName: 'https://dev.azure.com/fabrikam/',
      });
      // Names the plugin gave its statements (PostgreSQL keeps one prepared plan per name).
      const names = new Set<string>();
      knex.on('query', (query: { options?: { name?: string } }) => {
        if (query.options?.name) names.add(query.options.name);
      });
      const accept = (workItemId: number, revision: number) =>
        inbox.accept({
          organizationId: org.id,
          eventType: 'workitem.updated',
          workItemId,
          revision,
          payload: { resource: { workItemId, rev: revision } },
        });
      return { inbox, names, accept };
    }

    it('stores each delivery once, whatever the batch size, and sees repeats as duplicates', async () => {
      const { inbox, names, accept } = await setup();
      // One turn of the event loop: one batch of three, then batches of one.
      const batch = await Promise.all([
        accept(1, 1),
        accept(2, 1),
        accept(3, 1),
      ]);
      expect(batch.map(r => r.duplicate)).toEqual([false, false, false]);
      for (let round = 0; round < 3; round++) {
        expect((await accept(10 + round, 1)).duplicate).toBe(false);
      }
      const again = await Promise.all([
        accept(1, 1),
        accept(2, 1),
        accept(3, 1),
      ]);
      expect(again.map(r => r.duplicate)).toEqual([true, true, true]);
      expect(again.map(r => r.id)).toEqual(batch.map(r => r.id));
      expect((await accept(10, 1)).duplicate).toBe(true);

      expect(await inbox.counts()).toEqual({ skipped: 6 });
      expect([...names].sort()).toEqual(
        databaseId.startsWith('POSTGRES')
          ? [
              'azure_devops_sync_inbox_accept_1',
              'azure_devops_sync_inbox_accept_3',
            ]
          : [],
      );
    });
  },
);
