import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { tuneSqliteConnections } from './sqliteConnections';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-azure-devops-sync-backend',
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
  if (String(client.client.config.client).includes('sqlite')) {
    // WAL: readers do not block the webhook's writes, and (with synchronous = NORMAL, set per
    // connection in tuneSqliteConnections) a commit waits for no fsync.
    await client.raw('PRAGMA journal_mode = WAL').catch(() => undefined);
  }
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  await tuneSqliteConnections(client);
  return client;
}
