import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { tuneSqliteConnections } from './sqliteTuning';

const migrationsDir = resolvePackagePath(
  '@ado-sync/backstage-plugin-azure-devops-sync-backend',
  'migrations',
);

/**
 * Gets the plugin's knex client, migrating first unless the deployment says to skip.
 * Every store's `create()` calls this; knex serialises concurrent `migrate.latest` calls
 * with its own lock table, so calling it once per store is safe.
 */
export async function getMigratedClient(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  // SQLite: WAL mode and synchronous = NORMAL on every connection (nothing on PostgreSQL).
  await tuneSqliteConnections(client);
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}
