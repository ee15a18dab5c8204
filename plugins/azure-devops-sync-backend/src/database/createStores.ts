import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseInboxStore } from './DatabaseInboxStore';
import { DatabaseIssueStore } from './DatabaseIssueStore';
import { DatabaseOrganizationStore } from './DatabaseOrganizationStore';
import { DatabaseOrgConfigStore } from './DatabaseOrgConfigStore';
import { DatabaseOutboxStore } from './DatabaseOutboxStore';
import { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
import { getMigratedClient } from './migrations';
import { DatabasePeopleStore } from './DatabasePeopleStore';

/** Every store of the plugin, on one migrated client. */
export interface Stores {
  knex: Knex;
  organizations: DatabaseOrganizationStore;
  configs: DatabaseOrgConfigStore;
  issues: DatabaseIssueStore;
  inbox: DatabaseInboxStore;
  outbox: DatabaseOutboxStore;
  syncState: DatabaseSyncStateStore;
  /** ADO identity ↔ catalog user mappings and unmatched identities. */
  people: DatabasePeopleStore;
}

/** Migrates the plugin's database once (unless the deployment skips it), then builds the stores. */
export async function createStores(options: {
  database: DatabaseService;
  /** PostgreSQL: keep the webhook's accept statement prepared. */
  preparedStatements?: boolean;
}): Promise<Stores> {
  const knex = await getMigratedClient(options.database);
  return {
    knex,
    organizations: new DatabaseOrganizationStore(knex),
    configs: new DatabaseOrgConfigStore(knex),
    issues: new DatabaseIssueStore(knex),
    inbox: new DatabaseInboxStore(knex, options.preparedStatements),
    outbox: new DatabaseOutboxStore(knex),
    syncState: new DatabaseSyncStateStore(knex),
    people: new DatabasePeopleStore(knex),
  };
}
