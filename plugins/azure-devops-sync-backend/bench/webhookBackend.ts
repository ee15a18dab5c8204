/* eslint-disable no-console */
/**
 * The webhook bench's backend: a real Backstage backend process (`createBackend()`, config from
 * code, a catalog mock) with the plugin, forked by the bench (`startBackend`) and reporting its
 * CPU, event loop delay and server-side latency over IPC.
 */
import type { JsonObject } from '@backstage/types';
import { fork, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { localBackendConfig } from '../src/reliability/__testUtils__/backendConfig';
import { microsecondHistogram } from './openLoop';

export interface ServeOptions {
  port: number;
  emulatorHost: string;
  token: string;
  database: JsonObject;
  /** `azureDevOpsSync.database.preparedStatements` (PostgreSQL only). */
  preparedStatements: boolean;
  /** More `azureDevOpsSync` config (the envelope bench's SDK keys and rate). */
  plugin?: JsonObject;
}

async function serve(options: ServeOptions) {
  const { createBackend } = await import('@backstage/backend-defaults');
  const { catalogServiceMock } = await import(
    '@backstage/plugin-catalog-node/testUtils'
  );
  const { rootHttpRouterServiceFactory } = await import(
    '@backstage/backend-defaults/rootHttpRouter'
  );
  const { azureDevOpsSyncPlugin } = await import('../src/plugin');
  const backend = createBackend();
  // Server-side time of each request, from its headers being parsed to its answer being handed
  // to the socket: what the client sees beyond this was spent in the network or in the client.
  const serverTimes = microsecondHistogram();
  backend.add(
    rootHttpRouterServiceFactory({
      configure: ({ server, applyDefaults }) => {
        server.on('request', (_req, res) => {
          const start = performance.now();
          res.once('finish', () =>
            serverTimes.recordValue(
              Math.round((performance.now() - start) * 1000),
            ),
          );
        });
        applyDefaults();
      },
    }),
  );
  backend.add(
    localBackendConfig({
      ...options,
      subject: 'webhook-bench',
      plugin: {
        ...options.plugin,
        database: { preparedStatements: options.preparedStatements },
      },
    }),
  );
  backend.add(
    catalogServiceMock.factory({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'payments-api', namespace: 'default' },
          spec: { type: 'service', lifecycle: 'production', owner: 'team' },
        },
      ],
    }),
  );
  backend.add(azureDevOpsSyncPlugin);
  const { benchCeilingPlugin } = await import('./ceilingPlugin');
  backend.add(benchCeilingPlugin);
  await backend.start();
  // The longest the event loop was held up since the last usage report: a stall of the backend
  // itself, as opposed to the network or the load generator.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  process.send!({ ready: true });
  process.on('message', async (message: any) => {
    if (message?.stop) {
      await backend.stop();
      process.exit(0);
    }
    if (message?.cpu) {
      const used = process.cpuUsage();
      process.send!({
        cpuMs: (used.user + used.system) / 1000,
        loopDelayMaxMs: loopDelay.max / 1e6,
        serverP99Ms: serverTimes.getValueAtPercentile(99) / 1000,
        ...mainThreadSchedule(),
      });
      loopDelay.reset();
      serverTimes.reset();
    }
  });
}

/**
 * The event loop thread's time on a core and waiting in the run queue for one, in ms (Linux's
 * schedstat). Its busy share is what queues webhook requests; its wait share is the host.
 */
function mainThreadSchedule(): { mainRunMs?: number; mainWaitMs?: number } {
  try {
    const [run, wait] = readFileSync(
      `/proc/self/task/${process.pid}/schedstat`,
      'utf8',
    )
      .trim()
      .split(/\s+/)
      .map(Number);
    return { mainRunMs: run / 1e6, mainWaitMs: wait / 1e6 };
  } catch {
    return {};
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export function startBackend(options: ServeOptions): Promise<ChildProcess> {
  const child = fork(__filename, ['--serve', JSON.stringify(options)], {
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    // WEBHOOK_BENCH_CPU_PROF=<dir> writes a CPU profile of the backend process there.
    execArgv: process.env.WEBHOOK_BENCH_CPU_PROF
      ? [
          ...process.execArgv,
          '--cpu-prof',
          `--cpu-prof-dir=${process.env.WEBHOOK_BENCH_CPU_PROF}`,
        ]
      : process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`The backend exited with ${code}`)),
    );
    child.once('message', (message: any) => {
      if (message?.ready) resolve(child);
    });
  });
}

export interface BackendUsage {
  /** CPU time of the whole process so far (user + system, every thread), ms. */
  cpuMs: number;
  /** Longest event loop delay since the previous report, ms. */
  loopDelayMaxMs: number;
  /** p99 of the server-side time of the requests answered since the previous report, ms. */
  serverP99Ms: number;
  mainRunMs?: number;
  mainWaitMs?: number;
}

export function backendUsage(child: ChildProcess): Promise<BackendUsage> {
  return new Promise(resolve => {
    const onMessage = (message: any) => {
      if (typeof message?.cpuMs !== 'number') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ cpu: true });
  });
}

export async function stopBackend(child: ChildProcess) {
  child.removeAllListeners('exit');
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.send({ stop: true });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// Forked by startBackend: this module is the child's entry point.
if (process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3])).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
