import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { onEachSqliteConnection } from './sqliteConnections';

/** How often the background thread copies the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * From this many pages (16 MiB) the WAL is started over. The background thread cannot do that
 * under steady writes: SQLite rewinds the WAL only at the start of a write that finds every
 * frame copied back, and by the time the thread's checkpoint has synced, newer commits are in.
 */
const RESET_PAGES = 4_096;

/**
 * The connection that serves requests still checkpoints by itself once the WAL reaches this
 * many pages (64 MiB): only if the background thread stopped or cannot keep up.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

// Plain CommonJS run by the worker thread: its own connection to the same file. It reports when
// it has copied back and synced a WAL that is due to be started over.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
parentPort.postMessage({ ready: true });
setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && !result.busy && result.log >= workerData.resetPages) {
      parentPort.postMessage({ reset: true });
    }
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}, workerData.intervalMs);
`;

interface WorkerMessage {
  ready?: boolean;
  reset?: boolean;
  error?: string;
}

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  intervalMs?: number;
  resetPages?: number;
}

/**
 * SQLite in WAL mode checkpoints inside whichever commit crosses the threshold (1,000 pages by
 * default), and better-sqlite3 runs that commit on the event loop: every few seconds under
 * webhook load one acknowledgement waited tens of milliseconds for the checkpoint's writes and
 * fsyncs, and every request behind it too. A passive checkpoint on a worker thread does the
 * same work beside the writer without blocking it, and syncs it to disk. When the WAL is due to
 * be started over, the request connection checkpoints the few commits since then itself, so
 * its fsyncs have almost nothing to flush and its next write rewinds the WAL. PostgreSQL,
 * in-memory databases and other journal modes get nothing.
 */
export async function startWalCheckpointer(
  db: Knex,
  onError: (message: string) => void,
  options: WalCheckpointerOptions = {},
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
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      resetPages: options.resetPages ?? RESET_PAGES,
    },
  });
  let resetting = false;
  const reset = async () => {
    if (resetting) return;
    resetting = true;
    try {
      await db.raw('PRAGMA wal_checkpoint(PASSIVE)');
    } catch (error) {
      onError((error as Error).message);
    } finally {
      resetting = false;
    }
  };
  // Never what keeps the process alive; a failure only means commits checkpoint again.
  worker.unref();
  // Resolves once the thread has its connection (or has failed): checkpointing is live.
  const started = new Promise<void>(resolve => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.error) onError(message.error);
      else if (message.reset) reset();
      else if (message.ready) resolve();
    });
    worker.on('error', (error: Error) => {
      onError(error.message);
      resolve();
    });
    worker.once('exit', () => resolve());
  });
  await started;
  return {
    stop: async () => {
      await worker.terminate();
    },
  };
}
