/* eslint-disable no-console */
/**
 * Webhook acknowledge benchmark: the real plugin in a real Backstage backend process
 * (`createBackend()`, config from code, a catalog mock), connected to the ADO emulator's demo
 * organization, driven with valid `workitem.updated` deliveries (distinct work item id and
 * revision each, correct `Shared-Secret`). Per database (SQLite file in a temp dir, then
 * PostgreSQL in a throwaway database) it prints: ack p50/p99 at a fixed arrival rate (open loop,
 * `openLoop.ts`), ack/s at saturation (autocannon), the time from the end of each load phase
 * until every accepted delivery is applied or skipped, the backend's CPU per ack and how busy its
 * event loop thread was; and checks the stored count against the accepted count.
 *
 *   npm run bench:webhooks [-- --pg postgresql://postgres:postgres@localhost:5432]
 *     [--rate 500 --fixed-seconds 10 --warm-up-seconds 10 --saturation-seconds 10 --connections 32
 *      --linked 20 --prepared-statements]
 *
 * Every load phase stops by itself after its seconds; all traffic goes to 127.0.0.1.
 */
import type { JsonObject } from '@backstage/types';
import { createEmulator } from '@internal/ado-emulator';
import autocannon from 'autocannon';
import { fork, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import knexFactory, { Knex } from 'knex';
import { AdoClient } from '../src/api/AdoClient';
import { localBackendConfig } from '../src/reliability/__testUtils__/backendConfig';
import { microsecondHistogram, openLoop, OpenLoopResult } from './openLoop';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 ? process.argv[index + 1] : fallback;
}

const RATE = Number(arg('rate', '500'));
const FIXED_SECONDS = Number(arg('fixed-seconds', '10'));
const WARM_UP_SECONDS = Number(arg('warm-up-seconds', '10'));
const SATURATION_SECONDS = Number(arg('saturation-seconds', '10'));
const CONNECTIONS = Number(arg('connections', '32'));
const LINKED = Number(arg('linked', '20'));
/** Share of deliveries for linked work items (the rest are for unlinked ones: `skipped`). */
const LINKED_SHARE = Number(arg('linked-share', '0.1'));
/** Acks/s above what 2 cores manage: how many bodies a saturation phase builds per second. */
const SATURATION_CEILING = 2500;
const APPLY_TIMEOUT_MS = Number(arg('apply-timeout-ms', '120000'));
const PG_URL =
  arg('pg', '') ||
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  '';
/** Where the SQLite file goes (the OS temp dir by default; /dev/shm takes fsync out of it). */
const SQLITE_DIR = arg('sqlite-dir', tmpdir());
const SKIP_SQLITE = process.argv.includes('--skip-sqlite');
/** `azureDevOpsSync.database.preparedStatements` (PostgreSQL only). */
const PREPARED_STATEMENTS = process.argv.includes('--prepared-statements');
const ENTITY = 'component:default/payments-api';
const API = '/api/azure-devops-sync';

// ---------------------------------------------------------------------------------------------
// Child: the backend.

interface ServeOptions {
  port: number;
  emulatorHost: string;
  token: string;
  database: JsonObject;
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
      plugin: { database: { preparedStatements: PREPARED_STATEMENTS } },
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

// ---------------------------------------------------------------------------------------------
// Parent: the emulator, the load and the checks.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function startBackend(options: ServeOptions): Promise<ChildProcess> {
  const args = ['--serve', JSON.stringify(options)];
  if (PREPARED_STATEMENTS) args.push('--prepared-statements');
  const child = fork(__filename, args, {
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

interface BackendUsage {
  /** CPU time of the whole process so far (user + system, every thread), ms. */
  cpuMs: number;
  /** Longest event loop delay since the previous report, ms. */
  loopDelayMaxMs: number;
  /** p99 of the server-side time of the requests answered since the previous report, ms. */
  serverP99Ms: number;
  mainRunMs?: number;
  mainWaitMs?: number;
}

function backendUsage(child: ChildProcess): Promise<BackendUsage> {
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

async function stopBackend(child: ChildProcess) {
  child.removeAllListeners('exit');
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.send({ stop: true });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${base}${API}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** A `workitem.updated` delivery shaped like ADO's (resourceVersion 1.0). */
function delivery(
  collectionId: string,
  projectId: string,
  workItemId: number,
  rev: number,
): string {
  const org = 'http://127.0.0.1/fabrikam/';
  const itemUrl = `${org}${projectId}/_apis/wit/workItems/${workItemId}`;
  const revisedBy = {
    displayName: 'Carol',
    name: 'Carol <carol@example.com>',
    uniqueName: 'carol@example.com',
    id: '21354f98-ab06-67d9-b974-5a54d992082e',
    descriptor: 'aad.MjEzNTRmOTgtYWIwNi03N2Q5LWI5NzQtNWE1NGQ5OTIwODJl',
  };
  return JSON.stringify({
    subscriptionId: '7bf628eb-b3a7-4fb2-ab4d-8b60f2e8cb9b',
    notificationId: rev,
    id: `${workItemId}-${rev}-${randomBytes(4).toString('hex')}`,
    eventType: 'workitem.updated',
    publisherId: 'tfs',
    message: null,
    detailedMessage: null,
    resource: {
      id: rev,
      workItemId,
      rev,
      revisedBy,
      revisedDate: '9999-01-01T00:00:00Z',
      fields: {
        'System.Rev': { oldValue: rev - 1, newValue: rev },
        'System.AuthorizedDate': {
          oldValue: '2026-11-20T10:00:00Z',
          newValue: '2026-11-20T10:00:01Z',
        },
        'System.RevisedDate': {
          oldValue: '2026-11-20T10:00:01Z',
          newValue: '9999-01-01T00:00:00Z',
        },
        'System.ChangedDate': {
          oldValue: '2026-11-20T10:00:00Z',
          newValue: '2026-11-20T10:00:01Z',
        },
        'System.Watermark': { oldValue: rev + 76, newValue: rev + 77 },
        'System.AssignedTo': {
          oldValue: 'Dave <dave@example.com>',
          newValue: 'Carol <carol@example.com>',
        },
        'System.Title': {
          oldValue: 'TypeError: amount is undefined',
          newValue: `TypeError: amount is undefined (rev ${rev})`,
        },
      },
      _links: {
        self: { href: `${itemUrl}/updates/${rev}` },
        workItemUpdates: { href: `${itemUrl}/updates` },
        parent: { href: itemUrl },
      },
      url: `${itemUrl}/updates/${rev}`,
      revision: {
        id: workItemId,
        rev,
        fields: {
          'System.AreaPath': 'Payments',
          'System.TeamProject': 'Payments',
          'System.IterationPath': 'Payments',
          'System.WorkItemType': 'Bug',
          'System.State': 'Approved',
          'System.Reason': 'Approved',
          'System.AssignedTo': 'Carol <carol@example.com>',
          'System.CreatedDate': '2026-11-20T09:00:00Z',
          'System.CreatedBy': 'Dave <dave@example.com>',
          'System.ChangedDate': '2026-11-20T10:00:01Z',
          'System.ChangedBy': 'Carol <carol@example.com>',
          'System.Title': `TypeError: amount is undefined (rev ${rev})`,
          'Microsoft.VSTS.Common.Priority': 2,
          'Microsoft.VSTS.Common.Severity': '3 - Medium',
          'System.Description':
            '<p>TypeError: amount is undefined</p><pre><code>at capture (charge.js:10:3)\nat handler (api.js:42:7)</code></pre>',
        },
        url: `${itemUrl}/revisions/${rev}`,
      },
    },
    resourceVersion: '1.0',
    resourceContainers: {
      collection: { id: collectionId, baseUrl: org },
      account: { id: collectionId, baseUrl: org },
      project: { id: projectId, baseUrl: org },
    },
    createdDate: new Date().toISOString(),
  });
}

/** One load phase: sends `body()` deliveries and reports every answer to `onResponse`. */
interface Drive {
  /** Bodies to build before the clock starts (more are built on the fly if it sends more). */
  expected: number;
  run(
    body: () => string,
    onResponse: (status: number, text: string) => void,
  ): Promise<OpenLoopResult>;
}

interface Phase {
  name: string;
  sent: number;
  acked: number;
  accepted: number;
  duplicates: number;
  errors: number;
  seconds: number;
  ackPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** The open loop's most delayed send (its own stalls, not the backend's); – for autocannon. */
  sendLateMax?: number;
  applyAfterLoadMs: number;
  /** Backend CPU (user + system) per acknowledged request, load and applying included. */
  cpuMsPerAck: number;
  /** Share of the load's wall time the backend's event loop thread was on a core. */
  mainBusyPct: number;
  /** Share of it that thread was runnable but waiting for a core. */
  mainWaitPct: number;
  /** The backend's longest event loop delay during the load, ms. */
  loopDelayMaxMs: number;
  /** p99 of the time the backend itself took per request during the load, ms. */
  serverP99Ms: number;
}

interface DbTarget {
  name: string;
  database: JsonObject;
  /** A connection to the plugin's database, for the checks. */
  connect: () => Knex;
  cleanup: () => Promise<void>;
}

async function sqliteTarget(): Promise<DbTarget> {
  const dir = mkdtempSync(join(SQLITE_DIR, 'webhook-bench-'));
  return {
    name: `SQLite (file in ${SQLITE_DIR})`,
    database: { client: 'better-sqlite3', connection: { directory: dir } },
    connect: () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: {
          filename: join(dir, 'azure-devops-sync.sqlite'),
          options: { readonly: true },
        },
        useNullAsDefault: true,
      }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function pgTarget(url: string): Promise<DbTarget> {
  const prefix = `webhook_bench_${randomBytes(4).toString('hex')}_`;
  const dbName = `${prefix}azure-devops-sync`;
  return {
    name: 'PostgreSQL',
    database: { client: 'pg', connection: url, prefix },
    connect: () => {
      const parsed = new URL(url);
      parsed.pathname = `/${dbName}`;
      return knexFactory({
        client: 'pg',
        connection: parsed.toString(),
        pool: { min: 0, max: 2 },
      });
    },
    cleanup: async () => {
      const admin = knexFactory({ client: 'pg', connection: url });
      try {
        await admin.raw('DROP DATABASE IF EXISTS ??', [dbName]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

async function openCounts(db: Knex): Promise<Record<string, number>> {
  const rows = await db('inbox_deliveries')
    .select('status')
    .count({ n: '*' })
    .groupBy('status');
  return Object.fromEntries(rows.map((r: any) => [r.status, Number(r.n)]));
}

/** Polls until no delivery is pending or running and `expected` are stored; ms after `since`. */
async function waitApplied(
  db: Knex,
  expected: number,
  since: number,
): Promise<{ ms: number; counts: Record<string, number> }> {
  const deadline = Date.now() + APPLY_TIMEOUT_MS;
  for (;;) {
    // Counting every row each 25 ms would take the database's CPU from the processor: poll the
    // open ones (a partial index) and count all only once none is left.
    const [{ open: stillOpen }] = await db('inbox_deliveries')
      .whereIn('status', ['pending', 'running'])
      .count({ open: '*' });
    if (Number(stillOpen) > 0 && Date.now() <= deadline) {
      await new Promise(r => setTimeout(r, 25));
      continue;
    }
    const counts = await openCounts(db);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const open = (counts.pending ?? 0) + (counts.running ?? 0);
    if (total >= expected && open === 0)
      return { ms: performance.now() - since, counts };
    if (Date.now() > deadline)
      throw new Error(
        `Deliveries still open after ${APPLY_TIMEOUT_MS} ms: ${JSON.stringify(
          counts,
        )}`,
      );
    await new Promise(r => setTimeout(r, 25));
  }
}

async function benchTarget(
  target: DbTarget,
  emulatorUrl: string,
  collectionId: string,
  secretOf: (subscriptionId: string) => string,
  workItems: number[],
  projectId: string,
): Promise<{ phases: Phase[]; check: string }> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = await startBackend({
    port,
    emulatorHost: new URL(emulatorUrl).host,
    token,
    database: target.database,
  });
  const base = `http://127.0.0.1:${port}`;
  const db = target.connect();
  try {
    const org = await call(base, token, 'POST', '/organizations', {
      name: `${emulatorUrl}/fabrikam/`,
    });
    const secret = secretOf(org.subscription.id);

    // Linked issues: deliveries for their work items are applied, the rest are skipped.
    const linked = workItems.slice(0, LINKED);
    for (let i = 0; i < linked.length; i++) {
      const saved = await call(base, token, 'POST', '/events', {
        entityRef: ENTITY,
        fingerprint: [`webhook-bench-${i}`],
        message: `bench issue ${i}`,
      });
      await call(
        base,
        token,
        'POST',
        `/issues/${saved.items[0].issueId}/links`,
        { organizationId: org.id, workItemId: linked[i] },
      );
    }

    let counter = 0;
    const nextBody = () => {
      const n = counter++;
      if (linked.length > 0 && (n % 1000) / 1000 < LINKED_SHARE) {
        // Revisions above anything the emulator has, increasing per work item.
        return delivery(
          collectionId,
          projectId,
          linked[n % linked.length],
          1000 + n,
        );
      }
      return delivery(
        collectionId,
        projectId,
        1_000_000 + (n % 50_000),
        1 + Math.floor(n / 50_000),
      );
    };

    const phases: Phase[] = [];
    let acceptedTotal = 0;
    let sentTotal = 0;
    const url = `${base}${API}/webhooks/workitem`;
    const headers = {
      'content-type': 'application/json',
      'shared-secret': secret,
    };
    /** Closed loop: each connection sends its next request when the last one is answered. */
    const closedLoop = (options: Partial<autocannon.Options>): Drive => ({
      // Rate-limited phases send about rate × seconds; the others as many as the host takes.
      expected:
        options.amount ??
        (options.overallRate ?? SATURATION_CEILING) * Number(options.duration),
      run: async (body, onResponse) => {
        const result = await autocannon({
          url,
          method: 'POST',
          headers,
          ...options,
          requests: [
            {
              setupRequest: req => ({ ...req, body: body() }),
              onResponse: (status, text) => onResponse(status, text),
            },
          ],
        } as autocannon.Options);
        return {
          sent: result.requests.sent,
          ok2xx: result['2xx'],
          failed: result.non2xx + result.errors + result.timeouts,
          seconds: result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
        };
      },
    });
    /** Open loop: a delivery every 1/RATE s, however long the answers take. */
    const fixedRate = (seconds: number): Drive => ({
      expected: RATE * seconds,
      run: (body, onResponse) =>
        openLoop({
          url,
          headers,
          rate: RATE,
          seconds,
          connections: 64,
          body,
          onResponse,
        }),
    });

    const load = async (
      name: string,
      drive: Drive,
      record: boolean,
      makeBody: () => string = nextBody,
    ) => {
      // Built up front: the load generator shares this host's cores with the backend, and
      // serialising a 3 KB delivery per request would take CPU time from what is measured.
      const bodies = Array.from({ length: drive.expected }, makeBody);
      let taken = 0;
      const body = () => (taken < bodies.length ? bodies[taken++] : makeBody());
      const before = await backendUsage(child);
      const started = performance.now();
      let accepted = 0;
      let duplicates = 0;
      const result = await drive.run(body, (status, text) => {
        if (status !== 200) return;
        if (text.includes('"accepted"')) accepted++;
        else if (text.includes('"duplicate"')) duplicates++;
      });
      const loadEnded = performance.now();
      const atLoadEnd = await backendUsage(child);
      const share = (key: 'mainRunMs' | 'mainWaitMs') =>
        before[key] === undefined
          ? NaN
          : (100 * (atLoadEnd[key]! - before[key]!)) / (loadEnded - started);
      acceptedTotal += accepted;
      sentTotal += result.sent;
      const applied = await waitApplied(db, acceptedTotal, loadEnded);
      const cpuMs = (await backendUsage(child)).cpuMs - before.cpuMs;
      if (!record) return;
      phases.push({
        name,
        sent: result.sent,
        acked: result.ok2xx,
        accepted,
        duplicates,
        errors: result.failed,
        seconds: result.seconds,
        ackPerSecond: result.ok2xx / result.seconds,
        p50: result.p50,
        p99: result.p99,
        max: result.max,
        sendLateMax: result.sendLateMax,
        applyAfterLoadMs: applied.ms,
        cpuMsPerAck: cpuMs / Math.max(result.ok2xx, 1),
        mainBusyPct: share('mainRunMs'),
        mainWaitPct: share('mainWaitMs'),
        loopDelayMaxMs: atLoadEnd.loopDelayMaxMs,
        serverP99Ms: atLoadEnd.serverP99Ms,
      });
    };

    await load('warm-up', closedLoop({ amount: 300, connections: 4 }), false);
    // A backend that has run for a while: the fixed rate itself, long enough for V8 to have
    // optimised the request path (the first seconds after start are several times slower).
    await load('warm-up at the fixed rate', fixedRate(WARM_UP_SECONDS), false);
    await load(
      `fixed ${RATE}/s, evenly spaced (open loop)`,
      fixedRate(FIXED_SECONDS),
      true,
    );
    await load(
      `saturation (${CONNECTIONS} connections)`,
      closedLoop({ connections: CONNECTIONS, duration: SATURATION_SECONDS }),
      true,
    );
    // For comparison with earlier runs: autocannon's own rate limit, which sends each
    // connection's share back to back at the start of every second (see openLoop.ts).
    await load(
      `autocannon overallRate ${RATE} (16 connections, a burst each second)`,
      closedLoop({
        overallRate: RATE,
        connections: 16,
        duration: FIXED_SECONDS,
      }),
      true,
    );
    // The ceiling on this machine: the same backend and load tool, deliveries of an event type
    // the route acknowledges without touching the database. At the fixed rate it shows the
    // latency this host adds before any of the plugin's own work.
    const ignored = JSON.stringify({
      eventType: 'git.push',
      resourceContainers: { collection: { id: collectionId } },
    });
    await load(
      `ceiling: ignored event type, no database, fixed ${RATE}/s`,
      fixedRate(FIXED_SECONDS),
      true,
      () => ignored,
    );
    await load(
      `ceiling: ignored event type, no database (${CONNECTIONS} connections)`,
      closedLoop({ connections: CONNECTIONS, duration: SATURATION_SECONDS }),
      true,
      () => ignored,
    );

    // No delivery lost or applied twice: every acknowledged delivery is stored (plus any whose
    // answer autocannon stopped waiting for at the end of a phase), and every stored one was
    // processed exactly once (claimed once, ending applied or skipped, none failed).
    // Requests autocannon stopped waiting for may still land: let them, and their processing.
    await new Promise(r => setTimeout(r, 1000));
    const { counts } = await waitApplied(db, 0, performance.now());
    const stored = Object.values(counts).reduce((a, b) => a + b, 0);
    const processed = (counts.applied ?? 0) + (counts.skipped ?? 0);
    const [{ maxAttempts }] = await db('inbox_deliveries').max({
      maxAttempts: 'attempts',
    });
    const ok =
      stored >= acceptedTotal &&
      stored <= sentTotal &&
      processed === stored &&
      Number(maxAttempts) === 1;
    const check = `${
      target.name
    }: acknowledged as accepted ${acceptedTotal}, sent ${sentTotal}, stored ${stored}, applied ${
      counts.applied ?? 0
    } + skipped ${counts.skipped ?? 0} = ${processed}, failed ${
      counts.failed ?? 0
    }, max attempts ${maxAttempts} → ${ok ? 'OK' : 'MISMATCH'}`;
    if (!ok) process.exitCode = 1;
    return { phases, check };
  } finally {
    await db.destroy();
    await stopBackend(child);
    await target.cleanup();
  }
}

function pct(value: number): string {
  return Number.isNaN(value) ? '–' : value.toFixed(0);
}

async function main() {
  const emulator = createEmulator();
  const running = await emulator.listen(0, '127.0.0.1');
  try {
    const fabrikam = emulator.state.org('fabrikam')!;
    const secretOf = (subscriptionId: string) => {
      const headers = String(
        fabrikam.subscriptions.get(subscriptionId)!.consumerInputs
          .httpHeaders ?? '',
      );
      const line = headers
        .split('\n')
        .find(l => l.toLowerCase().startsWith('shared-secret:'));
      if (!line) throw new Error('The subscription has no Shared-Secret');
      return line.slice('shared-secret:'.length).trim();
    };
    const ado = new AdoClient({
      baseUrl: `${running.url}/fabrikam/`,
      getAuthorization: async () =>
        `Basic ${Buffer.from(':demo-pat').toString('base64')}`,
    });
    const wiql = await ado.queryWiql(
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project',
      { project: 'Payments' },
    );
    const workItems = wiql.workItems.map(w => w.id);
    // The demo project has only a few work items: add Tasks until `--linked` can be linked.
    while (workItems.length < LINKED) {
      const created = await ado.createWorkItem('Payments', 'Task', [
        {
          op: 'add',
          path: '/fields/System.Title',
          value: `Webhook bench ${workItems.length + 1}`,
        },
      ]);
      workItems.push(created.id);
    }
    const project = [...fabrikam.projects.values()].find(
      (p: any) => p.name === 'Payments',
    ) as any;

    const targets: Array<() => Promise<DbTarget>> = SKIP_SQLITE
      ? []
      : [sqliteTarget];
    if (PG_URL) targets.push(() => pgTarget(PG_URL));
    else
      console.log(
        'PostgreSQL skipped: pass --pg <url> or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );

    const rows: Array<Phase & { database: string }> = [];
    const checks: string[] = [];
    for (const make of targets) {
      const target = await make();
      const { phases, check } = await benchTarget(
        target,
        running.url,
        fabrikam.accountId,
        secretOf,
        workItems,
        project?.id ?? 'payments',
      );
      rows.push(...phases.map(p => ({ ...p, database: target.name })));
      checks.push(check);
    }

    console.log(
      `\nWebhook acknowledge: workitem.updated deliveries (${Math.round(
        LINKED_SHARE * 100,
      )}% for ${LINKED} linked work items, the rest unlinked → skipped)\n`,
    );
    console.log(
      '| database | phase | sent | 2xx | accepted | other | seconds | acks/s | p50 ms | p99 ms | server-side p99 ms | max ms | load generator late, max ms | all applied after load (ms) | backend CPU ms/ack | event loop thread busy % | waiting for a core % | event loop delay, max ms |',
    );
    console.log(
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of rows) {
      console.log(
        `| ${r.database} | ${r.name} | ${r.sent} | ${r.acked} | ${
          r.accepted
        } | ${r.errors + r.duplicates} | ${r.seconds.toFixed(1)} | ${Math.round(
          r.ackPerSecond,
        )} | ${r.p50} | ${r.p99} | ${r.serverP99Ms.toFixed(1)} | ${r.max} | ${
          r.sendLateMax ?? '–'
        } | ${Math.round(r.applyAfterLoadMs)} | ${r.cpuMsPerAck.toFixed(
          2,
        )} | ${pct(r.mainBusyPct)} | ${pct(r.mainWaitPct)} | ${Math.round(
          r.loopDelayMaxMs,
        )} |`,
      );
    }
    console.log('');
    for (const check of checks) console.log(check);
  } finally {
    await running.close();
  }
}

if (process.argv.includes('--serve')) {
  serve(JSON.parse(arg('serve', '{}'))).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
