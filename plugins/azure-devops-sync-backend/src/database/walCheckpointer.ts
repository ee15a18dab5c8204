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

/** How long plugin start waits for the thread to open its connection. */
const START_TIMEOUT_MS = 10_000;

// Plain CommonJS run by the worker thread: its own connection to the same file. After each
// checkpoint (which syncs what it copied) it asks for a reset when the WAL is due to be started
// over, once per WAL size: an idle WAL that stays large is not asked about every tick.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
parentPort.postMessage({ ready: true });
let lastAsked = -1;
setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && !result.busy && result.log >= workerData.resetPages &&
        result.log !== lastAsked) {
      lastAsked = result.log;
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
  let stopped = false;
  const reset = async () => {
    if (resetting || stopped) return;
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
  // Resolves once the thread has its connection, or has failed, or is too slow to start: the
  // plugin starts either way, and without the thread commits only checkpoint by themselves.
  let startTimer: NodeJS.Timeout | undefined;
  const started = new Promise<void>(resolve => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.error) onError(message.error);
      else if (message.reset) reset().catch(() => undefined);
      else if (message.ready) resolve();
    });
    worker.on('error', (error: Error) => {
      onError(error.message);
      resolve();
    });
    worker.once('exit', () => resolve());
    startTimer = setTimeout(() => {
      onError(
        `The WAL checkpoint thread did not start in ${START_TIMEOUT_MS} ms`,
      );
      resolve();
    }, START_TIMEOUT_MS);
    startTimer.unref();
  });
  await started;
  clearTimeout(startTimer);
  return {
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}
