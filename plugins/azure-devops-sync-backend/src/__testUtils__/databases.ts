import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';

const PG_ID: TestDatabaseId = 'POSTGRES_15';
const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * SQLite and PostgreSQL. TestDatabases silently drops an engine it cannot reach, so the test
 * scripts set AZURE_DEVOPS_SYNC_REQUIRE_POSTGRES=1 and a missing PostgreSQL fails loudly instead.
 */
export function createTestDatabases(): TestDatabases {
  if (
    process.env.AZURE_DEVOPS_SYNC_REQUIRE_POSTGRES === '1' &&
    !process.env[PG_ENV]
  ) {
    throw new Error(
      `PostgreSQL is required for these tests but ${PG_ENV} is not set (run them through scripts/test.sh)`,
    );
  }
  return TestDatabases.create({ ids: ['SQLITE_3', PG_ID] });
}

/** A fresh database of one engine, as the plugin's database service (migrations run by the stores). */
export async function initDatabaseService(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({
    knex,
    migrations: { skip: false },
  });
  return { knex, database };
}
