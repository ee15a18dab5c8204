import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { getMigratedClient } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const MIGRATION = '20261203060000_people.js';
const directory = resolvePackagePath(
  '@ado-sync/backstage-plugin-azure-devops-sync-backend',
  'migrations',
);

describe.each(databases.eachSupportedId())(
  'migration 20261203060000_people (%s)',
  databaseId => {
    it('creates the mapping and unmatched tables, one row per organization and identity, and drops them going down', async () => {
      const { database } = await initDatabaseService(databases, databaseId);
      const knex = await getMigratedClient(database);
      await knex('organizations').insert({
        id: 'org-1',
        name: 'fabrikam',
        domain_name: 'https://dev.azure.com/fabrikam/',
      });
      const row = {
        organization_id: 'org-1',
        ado_identity: 'contoso\\bjones',
        ado_identity_display: 'CONTOSO\\BJones',
        user_entity_ref: 'user:default/bob',
        position: 0,
      };
      await knex('people_mappings').insert(row);
      // Awaited here, not handed to expect().rejects: a knex builder runs on every then().
      let duplicate: unknown;
      try {
        await knex('people_mappings').insert({ ...row, position: 1 });
      } catch (error) {
        duplicate = error;
      }
      expect(duplicate).toBeDefined();
      await knex('people_unmatched').insert({
        organization_id: 'org-1',
        ado_identity: 'dan@example.com',
      });
      const [seen] = await knex('people_unmatched');
      expect(seen.last_seen_at).toBeTruthy();

      await knex.migrate.down({ directory, name: MIGRATION });
      expect(await knex.schema.hasTable('people_mappings')).toBe(false);
      expect(await knex.schema.hasTable('people_unmatched')).toBe(false);
      await knex.migrate.up({ directory, name: MIGRATION });
      expect(await knex.schema.hasTable('people_mappings')).toBe(true);
      expect(await knex.schema.hasTable('people_unmatched')).toBe(true);
    });
  },
);
