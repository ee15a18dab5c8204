import type { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  Server,
} from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { isPostgres } from '../../database/tables';
import type { ReliabilityBackend } from './harness';
import { user } from './harness';

/** What {@link spawnBackend} hands the child (as JSON on its command line). */
export interface BackendProcessOptions {
  port: number;
  /** host:port of the ADO emulator (its only `integrations.azure` entry, PAT `demo-pat`). */
  emulatorHost: string;
  /** A static external-access token the backend accepts (the harness's `user` header's). */
  token: string;
  /** `backend.database`. */
  database: JsonObject;
  /** Merged into `azureDevOpsSync`. */
  plugin?: JsonObject;
  /** Caps the initial delay of the plugin's scheduled tasks, in seconds. */
  initialDelaySeconds?: number;
}

/** What the child tells its parent over IPC. */
export type BackendProcessMessage =
  | {
      type: 'ready';
      pid: number;
      /** From process start to `backend.start()`, then that call, in ms; CPU time used. */
      loadMs: number;
      startMs: number;
      cpuMs: number;
    }
  | {
      type: 'task';
      id: string;
      scope: string;
      /** One id per run, shared by its start and end. */
      run: string;
      phase: 'start' | 'end';
      at: number;
      ok?: boolean;
    };

/** One run of a scheduled task in a child. */
export interface TaskRun {
  process: string;
  pid: number;
  id: string;
  scope: string;
  run: string;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
}

export interface BackendProcess {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** When it answered ready (ms since the epoch). */
  readyAt: number;
  child: ChildProcess;
  /** The harness's helpers (connectFabrikam, createIssues, linkIssue) work against it. */
  harness: Pick<ReliabilityBackend, 'api' | 'port'>;
  /** Every scheduled task run it reported (a run cut by SIGKILL has no `endedAt`). */
  taskRuns: TaskRun[];
  /** The last lines it wrote to stdout and stderr. */
  output(): string;
  alive(): boolean;
  /** SIGKILL: no shutdown hook, no drain; resolves once the process is gone. */
  kill(): Promise<void>;
  /** `backend.stop()`, then SIGKILL if it takes more than 15 s. */
  stop(): Promise<void>;
}

const ENTRY = resolve(__dirname, 'backendProcess.ts');
const PLUGIN_ROOT = resolve(__dirname, '../../..');
const OUTPUT_LINES = 300;
const started = new Set<BackendProcess>();

/** A port on 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/**
 * Starts the plugin in a real backend process (see backendProcess.ts) and resolves once it
 * listens. Every process started here is ended by {@link killAllBackends}.
 */
export async function spawnBackend(options: {
  name: string;
  database: JsonObject;
  emulatorUrl: string;
  /** A fixed port (a restart on the same address); a free one otherwise. */
  port?: number;
  plugin?: JsonObject;
  initialDelaySeconds?: number;
  startTimeoutMs?: number;
}): Promise<BackendProcess> {
  const port = options.port ?? (await freePort());
  const childOptions: BackendProcessOptions = {
    port,
    emulatorHost: new URL(options.emulatorUrl).host,
    token: user.replace(/^Bearer /, ''),
    database: options.database,
    plugin: options.plugin,
    initialDelaySeconds: options.initialDelaySeconds,
  };
  const child = fork(ENTRY, [JSON.stringify(childOptions)], {
    cwd: PLUGIN_ROOT,
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.RELIABILITY_CHILD_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  const keep = (stream: string) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(`[${options.name} ${stream}] ${line}`);
      if (process.env.RELIABILITY_VERBOSE === '1')
        process.stderr.write(`[${options.name}] ${line}\n`);
    }
    if (lines.length > OUTPUT_LINES)
      lines.splice(0, lines.length - OUTPUT_LINES);
  };
  child.stdout!.on('data', keep('out'));
  child.stderr!.on('data', keep('err'));

  let exitCode: number | null | undefined;
  let exitSignal: string | null = null;
  const exited = new Promise<void>(done =>
    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      done();
    }),
  );
  const taskRuns: TaskRun[] = [];
  const runs = new Map<string, TaskRun>();
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `${options.name} did not start within ${
              options.startTimeoutMs ?? 90_000
            } ms:\n${lines.join('\n')}`,
          ),
        ),
      options.startTimeoutMs ?? 90_000,
    );
    exited.then(() => {
      clearTimeout(timer);
      fail(
        new Error(
          `${options.name} exited (${
            exitCode ?? exitSignal
          }) before it was ready:\n${lines.join('\n')}`,
        ),
      );
    });
    child.on('message', (message: BackendProcessMessage) => {
      if (message?.type === 'ready') {
        if (process.env.RELIABILITY_VERBOSE === '1')
          process.stderr.write(
            `[${options.name}] ready: load ${message.loadMs} ms, start ${message.startMs} ms, cpu ${message.cpuMs} ms\n`,
          );
        clearTimeout(timer);
        done();
      } else if (message?.type === 'task') {
        if (message.phase === 'start') {
          const run: TaskRun = {
            process: options.name,
            pid: child.pid!,
            id: message.id,
            scope: message.scope,
            run: message.run,
            startedAt: message.at,
          };
          runs.set(message.run, run);
          taskRuns.push(run);
        } else {
          const run = runs.get(message.run);
          if (run) {
            run.endedAt = message.at;
            run.ok = message.ok;
          }
        }
      }
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const handle: BackendProcess = {
    name: options.name,
    pid: child.pid!,
    port,
    url,
    readyAt: 0,
    child,
    harness: { api: request(url), port },
    taskRuns,
    output: () => lines.join('\n'),
    alive: () => exitCode === undefined,
    async kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
      started.delete(handle);
    },
    async stop() {
      if (exitCode === undefined) {
        if (child.connected) child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      started.delete(handle);
    },
  };
  started.add(handle);
  try {
    await ready;
    handle.readyAt = Date.now();
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}

/** SIGKILLs every backend process still running (for afterAll, whatever the test's outcome). */
export async function killAllBackends(): Promise<void> {
  await Promise.all([...started].map(p => p.kill()));
}

// ---- databases a child can open ---------------------------------------------------------

export interface ProcessDatabase {
  label: string;
  /** `backend.database` of the children. */
  config: JsonObject;
  /** The suite's own connection to the plugin's database (opened on first use). */
  knex(): Knex;
  close(): Promise<void>;
}

/** A SQLite file in a fresh temp dir (`connection.directory`: the plugin's file is created there). */
export function sqliteFileDatabase(): ProcessDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'ado-sync-reliability-'));
  let db: Knex | undefined;
  return {
    label: 'SQLITE_3 file',
    config: { client: 'better-sqlite3', connection: { directory: dir } },
    knex() {
      db ??= knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'azure-devops-sync.sqlite') },
        useNullAsDefault: true,
        pool: { min: 1, max: 1 },
      });
      return db;
    },
    async close() {
      await db?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The PostgreSQL database of `knex` (from TestDatabases, which drops it after the file): the
 * children connect to the same server and use that database for the plugin.
 */
export async function postgresDatabase(
  knex: Knex,
  label: string,
): Promise<ProcessDatabase> {
  if (!isPostgres(knex)) throw new Error('Not a PostgreSQL connection');
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!url)
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
    );
  const name: string = (await knex.raw('SELECT current_database() AS name'))
    .rows[0].name;
  return {
    label,
    config: {
      client: 'pg',
      connection: url,
      plugin: { 'azure-devops-sync': { connection: { database: name } } },
    },
    knex: () => knex,
    close: async () => {},
  };
}

// ---- the service hook's target in front of several processes ---------------------------------

/**
 * Stands where ADO's service hook points, in front of backend processes: forwards each delivery
 * to the next of `ports()` in turn and answers with its answer (502 when it is down, so ADO
 * retries). Deliveries for which `lose` says so are answered 200 and never forwarded: a change
 * whose delivery got lost on the way.
 */
export async function startHookBalancer(options: {
  ports: () => number[];
  path: string;
  lose?: (delivery: { workItemId: number; rev: number }) => boolean;
}): Promise<{
  url: string;
  /** Forwarded deliveries, by the port that got them. */
  forwarded: Map<number, number>;
  lost: () => number;
  close(): Promise<void>;
}> {
  const forwarded = new Map<number, number>();
  let lost = 0;
  let turn = 0;
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let key = { workItemId: 0, rev: 0 };
      try {
        const parsed = JSON.parse(body.toString('utf8'));
        key = {
          workItemId: Number(
            parsed.resource?.workItemId ?? parsed.resource?.id ?? 0,
          ),
          rev: Number(parsed.resource?.rev ?? 0),
        };
      } catch {
        // forwarded as it is
      }
      if (options.lose?.(key)) {
        lost++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      const ports = options.ports();
      const port = ports[turn++ % ports.length];
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host') headers[name] = value;
      }
      const forward = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: options.path,
          headers,
        },
        answer => {
          forwarded.set(port, (forwarded.get(port) ?? 0) + 1);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    forwarded,
    lost: () => lost,
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections?.();
        server.close(() => done());
      }),
  };
}
