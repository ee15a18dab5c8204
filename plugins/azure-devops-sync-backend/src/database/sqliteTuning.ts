import { Knex } from 'knex';

/**
 * All of the plugin's SQLite tuning, through SQLite's own pragmas:
 * - `journal_mode = WAL` (kept in the database file): readers do not block the webhook's
 *   writes, and SQLite's automatic checkpoint (every 1,000 pages, on the committing
 *   connection) copies the WAL back and lets the next write start it over.
 * - `synchronous = NORMAL`: with WAL a commit then waits for no fsync, and a killed process
 *   still loses nothing committed (only a power cut can lose the last commits). Set here on
 *   the connection that switched the file to WAL; better-sqlite3 builds SQLite with
 *   `SQLITE_DEFAULT_WAL_SYNCHRONOUS=1`, so every connection the pool opens later on the WAL
 *   file starts with NORMAL by itself (sqliteTuning.test.ts checks it).
 * PostgreSQL is left alone.
 */
export async function tuneSqliteConnections(knex: Knex): Promise<void> {
  if (!String(knex.client.config.client).includes('sqlite')) return;
  // An in-memory database answers 'memory'; a file that cannot switch keeps working as it was.
  await knex.raw('PRAGMA journal_mode = WAL').catch(() => undefined);
  await knex.raw('PRAGMA synchronous = NORMAL');
}
