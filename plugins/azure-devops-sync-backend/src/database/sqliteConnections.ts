import { Knex } from 'knex';
import { LRUCache } from 'lru-cache';

/**
 * Prepared statements kept per connection. The batch inserts have one text per row count, so
 * this holds the common sizes beside every fixed query.
 */
const STATEMENT_CACHE_SIZE = 500;

/** The part of a better-sqlite3 `Database` this module touches. */
export interface BetterSqliteConnection {
  prepare(sql: string): object;
  pragma(source: string): unknown;
}

const tunedConnections = new WeakSet<object>();
const watchedClients = new WeakSet<object>();

/**
 * Per-connection settings for better-sqlite3, applied to the pool's connection now and to any
 * it opens later:
 * - `synchronous = NORMAL`: with WAL a commit then waits for no fsync, and a killed process
 *   still loses nothing committed (only a power cut can lose the last commits).
 * - A prepared-statement cache: knex prepares every query anew, and for the webhook's accept
 *   statement SQLite's prepare cost as much as running it. better-sqlite3 runs a statement to
 *   completion in one call, so reusing one between queries is safe.
 * PostgreSQL and the callback-based sqlite3 driver are left alone.
 */
export async function tuneSqliteConnections(db: Knex): Promise<void> {
  // Every store's create() calls this: the first call covers this client for good.
  if (watchedClients.has(db.client)) return;
  watchedClients.add(db.client);
  await onEachSqliteConnection(db, tune);
}

/**
 * Runs `apply` on the better-sqlite3 pool's connection now and on every connection it opens
 * later: connection-level pragmas set once through `db.raw` would be lost with the connection.
 * Does nothing for other clients.
 */
export async function onEachSqliteConnection(
  db: Knex,
  apply: (connection: BetterSqliteConnection) => void,
): Promise<void> {
  if (db.client.config.client !== 'better-sqlite3') return;
  db.client.pool.on(
    'createSuccess',
    (_eventId: number, connection: BetterSqliteConnection) => apply(connection),
  );
  const connection = await db.client.acquireConnection();
  try {
    apply(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

function tune(connection: BetterSqliteConnection): void {
  if (tunedConnections.has(connection)) return;
  tunedConnections.add(connection);
  connection.pragma('synchronous = NORMAL');
  const prepare = connection.prepare.bind(connection);
  const statements = new LRUCache<string, object>({
    max: STATEMENT_CACHE_SIZE,
  });
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
