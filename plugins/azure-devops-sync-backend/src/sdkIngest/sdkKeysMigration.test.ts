import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { getMigratedClient } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const MIGRATION = '20261203040000_sdk_keys.js';
const directory = resolvePackagePath(
  '@ado-sync/backstage-plugin-azure-devops-sync-backend',
  'migrations',
);

describe.each(databases.eachSupportedId())(
  'migration 20261203040000_sdk_keys (%s)',
  databaseId => {
    it('creates sdk_keys with a unique digest, and drops it going down', async () => {
      const { database } = await initDatabaseService(databases, databaseId);
      const knex = await getMigratedClient(database);
      const row = {
        key_digest: 'd'.repeat(64),
        public_key: 'k'.repeat(32),
        entity_ref: 'component:default/payments-api',
      };
      await knex('sdk_keys').insert(row);
      // Awaited here, not handed to expect().rejects: a knex builder is a thenable that runs its
      // query on every then().
      let duplicate: unknown;
      try {
        await knex('sdk_keys').insert(row);
      } catch (error) {
        duplicate = error;
      }
      expect(duplicate).toBeDefined();
      const [stored] = await knex('sdk_keys');
      expect(stored.revoked_at).toBeNull();
      expect(stored.created_at).toBeTruthy();

      await knex.migrate.down({ directory, name: MIGRATION });
      expect(await knex.schema.hasTable('sdk_keys')).toBe(false);
      await knex.migrate.up({ directory, name: MIGRATION });
      expect(await knex.schema.hasTable('sdk_keys')).toBe(true);
    });
  },
);
