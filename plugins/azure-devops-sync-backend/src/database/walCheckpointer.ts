import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { onEachSqliteConnection } from './sqliteConnections';

/** How often the background thread copies the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The connection that serves requests still checkpoints by itself once the WAL reaches this
 * many pages (64 MiB): only if the background thread stopped or cannot keep up.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

// Plain CommonJS run by the worker thread: its own connection to the same file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String((error && error.message) || error));
  }
}, workerData.intervalMs);
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/**
 * SQLite in WAL mode checkpoints inside whichever commit crosses the threshold (1,000 pages by
 * default), and better-sqlite3 runs that commit on the event loop: every few seconds under
 * webhook load one acknowledgement waited tens of milliseconds for the checkpoint's writes and
 * fsyncs, and every request behind it too. A passive checkpoint on a worker thread does the
 * same work beside the writer without blocking it. PostgreSQL, in-memory databases and other
 * journal modes get nothing.
 */
export async function startWalCheckpointer(
  db: Knex,
  onError: (message: string) => void,
): Promise<WalCheckpointer | undefined> {
  const { client, connection } = db.client.config as {
    client?: unknown;
    connection?: { filename?: string };
  };
  const filename = connection?.filename;
  if (client !== 'better-sqlite3' || !filename || filename === ':memory:') {
    return undefined;
  }
  const rows: Array<{ journal_mode: string }> = await db.raw(
    'PRAGMA journal_mode',
  );
  if (rows[0]?.journal_mode !== 'wal') return undefined;
  await onEachSqliteConnection(db, open =>
    open.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`),
  );

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: require.resolve('better-sqlite3'),
      filename,
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  // Never what keeps the process alive; a failure only means commits checkpoint again.
  worker.unref();
  worker.on('message', message => onError(String(message)));
  worker.on('error', (error: Error) => onError(error.message));
  return {
    stop: async () => {
      await worker.terminate();
    },
  };
}
