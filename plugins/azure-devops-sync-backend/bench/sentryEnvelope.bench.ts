/* eslint-disable no-console */
/**
 * Sentry envelope benchmark: error events per second through `POST /sentry/api/:id/envelope/`
 * (one event per envelope, as an SDK sends them; then the same gzipped, as @sentry/node does
 * for bodies over 32 KiB) beside `POST /events` with the same events (one per request, with
 * `entityRef`) on the same real backend process (`webhookBackend.ts`), in the same run, rounds
 * interleaved. Prints requests/s, latency and the envelope/events **ratio**, per database.
 *
 *   npm run bench:envelopes -w @ado-sync/backstage-plugin-azure-devops-sync-backend
 *     [-- --pg postgresql://postgres:postgres@localhost:5432] [--events 2000 --concurrency 8
 *      --rounds 3 --groups 200 --sqlite false]
 *
 * PostgreSQL is used when `--pg` or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
 * The entity's rate limit is raised for the run; all traffic goes to 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { projectIdOf } from '../src/sdkIngest/dsn';
import { DbTarget, pgTarget, sqliteTarget } from './benchDatabases';
import { freePort, startBackend, stopBackend } from './webhookBackend';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 ? process.argv[index + 1] : fallback;
}

const EVENTS = Number(arg('events', '2000'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const ROUNDS = Number(arg('rounds', '3'));
const GROUPS = Number(arg('groups', '200'));
const SKIP_SQLITE = arg('sqlite', 'true') === 'false';
const PG_URL =
  arg('pg', '') ||
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  '';
const ENTITY = 'component:default/payments-api';
const PUBLIC_KEY = randomBytes(16).toString('hex');

/** A small deterministic PRNG, so every run sends the same events. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = rng(7);
const LIBS = ['express', 'knex', 'pg', 'undici', 'zod'];
const TYPES = ['TypeError', 'RangeError', 'DatabaseError', 'TimeoutError'];

/** Groups of 10–30 frames each, in-app frames among library ones. */
const SHAPES = Array.from({ length: GROUPS }, (_, g) => {
  const depth = 10 + Math.floor(random() * 21);
  return {
    type: TYPES[g % TYPES.length],
    frames: Array.from({ length: depth }, (__, i) => {
      const inApp = i === depth - 1 || random() < 0.5;
      return {
        filename: inApp
          ? `/app/src/module${g}/file${i}.ts`
          : `/app/node_modules/${LIBS[i % LIBS.length]}/index.js`,
        module: inApp ? `module${g}.file${i}` : LIBS[i % LIBS.length],
        function: `fn${g}_${i}`,
        lineno: 10 + i,
        colno: 5,
        in_app: inApp,
      };
    }),
  };
});

/** A Sentry-SDK-shaped error event (what @sentry/node puts in an `event` item). */
function sentryEvent(n: number) {
  const shape = SHAPES[n % SHAPES.length];
  return {
    event_id: randomBytes(16).toString('hex'),
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    release: 'payments-api@1.4.0',
    environment: 'production',
    server_name: 'bench',
    tags: { region: 'westeurope', route: `/charge/${n % 10}` },
    user: { id: `user-${n % 100}` },
    contexts: {
      runtime: { name: 'node', version: process.version },
      os: { name: 'Linux' },
    },
    exception: {
      values: [
        {
          type: shape.type,
          value: `Failure ${n} in charge`,
          mechanism: { type: 'generic', handled: true },
          stacktrace: { frames: shape.frames },
        },
      ],
    },
  };
}

function envelopeOf(event: ReturnType<typeof sentryEvent>): string {
  return [
    JSON.stringify({
      event_id: event.event_id,
      sent_at: new Date().toISOString(),
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
    }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify(event),
  ].join('\n');
}

type Route = 'envelope' | 'envelope gzip' | 'POST /events';
const ROUTES: Route[] = ['envelope', 'envelope gzip', 'POST /events'];

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

/** Every body built before the clock starts, so only the backend's work is timed. */
function requests(route: Route, token: string, projectId: string) {
  return Array.from({ length: EVENTS }, (_, n) => {
    const event = sentryEvent(n);
    if (route === 'POST /events') {
      return {
        path: '/api/azure-devops-sync/events',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ ...event, entityRef: ENTITY }),
      };
    }
    const text = envelopeOf(event);
    return {
      path: `/api/azure-devops-sync/sentry/api/${projectId}/envelope/?sentry_version=7&sentry_key=${PUBLIC_KEY}`,
      headers: {
        'content-type': 'application/x-sentry-envelope',
        ...(route === 'envelope gzip' ? { 'content-encoding': 'gzip' } : {}),
      },
      body: route === 'envelope gzip' ? gzipSync(text) : text,
    };
  });
}

async function drive(
  pool: Pool,
  items: ReturnType<typeof requests>,
): Promise<Run> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const sent = performance.now();
        const res = await pool.request({ method: 'POST', ...item });
        await res.body.text();
        latencies.push(performance.now() - sent);
        if (res.statusCode >= 300) failed++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))];
  return {
    perSecond: items.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failed,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchTarget(target: DbTarget) {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = await startBackend({
    port,
    // No organization is connected: the bench never calls ADO.
    emulatorHost: '127.0.0.1:9',
    token,
    database: target.database,
    preparedStatements: false,
    plugin: {
      sdkIngest: {
        keys: [{ publicKey: PUBLIC_KEY, entityRef: ENTITY }],
        rateLimit: { eventsPerMinute: 1e9 },
      },
    },
  });
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: CONCURRENCY,
  });
  const db = target.connect();
  const projectId = projectIdOf(ENTITY);
  const runs = new Map<Route, Run[]>(ROUTES.map(r => [r, []]));
  try {
    // Warm-up: every group's issue exists before the timed rounds, for every route alike.
    for (const route of ROUTES) {
      const warm = requests(route, token, projectId).slice(0, GROUPS);
      await drive(pool, warm);
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, rotating which goes first: a noisy neighbour hits all routes alike.
      const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length]);
      for (const route of order) {
        const items = requests(route, token, projectId);
        runs.get(route)!.push(await drive(pool, items));
      }
    }
    const [{ n }] = await db('events')
      .where({ entity_ref: ENTITY })
      .count({ n: '*' });
    const failed = [...runs.values()].flat().reduce((s, r) => s + r.failed, 0);
    const expected = (ROUNDS * EVENTS + GROUPS) * ROUTES.length - failed;
    return {
      rows: ROUTES.map(route => {
        const list = runs.get(route)!;
        return {
          route,
          perSecond: median(list.map(r => r.perSecond)),
          p50: median(list.map(r => r.p50)),
          p99: median(list.map(r => r.p99)),
        };
      }),
      check: `${
        target.name
      }: stored ${n} events, expected ${expected}, failed requests ${failed} → ${
        Number(n) === expected && failed === 0 ? 'OK' : 'MISMATCH'
      }`,
      ok: Number(n) === expected && failed === 0,
    };
  } finally {
    await pool.close();
    await db.destroy();
    await stopBackend(child);
    await target.cleanup();
  }
}

async function main() {
  const targets: Array<() => Promise<DbTarget>> = SKIP_SQLITE
    ? []
    : [() => sqliteTarget(tmpdir())];
  if (PG_URL) targets.push(() => pgTarget(PG_URL));
  else
    console.log(
      'PostgreSQL skipped: pass --pg <url> or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  console.log(
    `${EVENTS} error events per route and round (${GROUPS} groups, 10–30 frames), ${CONCURRENCY} concurrent requests, ${ROUNDS} rounds (medians)\n`,
  );
  const checks: string[] = [];
  for (const make of targets) {
    const target = await make();
    const name = target.name;
    const { rows, check, ok } = await benchTarget(target);
    checks.push(check);
    if (!ok) process.exitCode = 1;
    const events = rows.find(r => r.route === 'POST /events')!.perSecond;
    console.log(`${name}`);
    console.log(
      '| route | requests/s (1 event each) | p50 ms | p99 ms | ratio to POST /events |\n|---|---:|---:|---:|---:|',
    );
    for (const row of rows) {
      console.log(
        `| ${row.route} | ${row.perSecond.toFixed(0)} | ${row.p50.toFixed(
          1,
        )} | ${row.p99.toFixed(1)} | ${(row.perSecond / events).toFixed(2)} |`,
      );
    }
    console.log('');
  }
  for (const check of checks) console.log(check);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
