/* eslint-disable no-console */
/**
 * Error event save benchmark: error events/s grouped into 1,000 distinct issues with realistic stack
 * traces (10–30 frames), and transactions/s, on SQLite (a temp file) and PostgreSQL (a throwaway
 * database). Each call validates and saves one batch, as `POST /events` does (parser, then
 * ErrorEventIngestor: one transaction with the store and the issue service).
 *
 *   npm run bench:events [-- --pg postgresql://postgres:postgres@localhost:5432]
 *     [--errors 20000 --transactions 5000 --batch 100 --groups 1000 --concurrency 1,4]
 *     [--rounds 5 (medians of fresh-database rounds; shared machines are noisy)] [--sqlite false]
 *
 * PostgreSQL is used when `--pg` or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
 */
import { DatabaseService } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseIssueStore } from '../src/database/DatabaseIssueStore';
import { getMigratedClient } from '../src/database/migrations';
import { DatabaseOutboxStore } from '../src/database/DatabaseOutboxStore';
import { DatabaseErrorEventStore } from '../src/errorEvents/DatabaseErrorEventStore';
import { ErrorEventIngestor } from '../src/errorEvents/ErrorEventIngestor';
import { parseErrorEventBody } from '../src/errorEvents/parseErrorEvents';
import { IssueService } from '../src/issues/IssueService';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 ? process.argv[index + 1] : fallback;
}

const ERRORS = Number(arg('errors', '20000'));
const TRANSACTIONS = Number(arg('transactions', '5000'));
const BATCH = Number(arg('batch', '100'));
const GROUPS = Number(arg('groups', '1000'));
const CONCURRENCY = arg('concurrency', '1,4').split(',').map(Number);
/** Each configuration runs this many times, interleaved; the table shows medians. */
const ROUNDS = Number(arg('rounds', '1'));
const PG_URL =
  arg('pg', '') ||
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  '';
const ENTITIES = [
  'component:default/payments-api',
  'component:default/checkout',
  'component:default/search',
];

/** A small deterministic PRNG, so every run sees the same events. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = rng(42);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
const between = (min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));

interface GroupShape {
  entityRef: string;
  type: string;
  frames: Array<{ module: string; function: string; in_app: boolean }>;
}

const LIBS = ['express', 'knex', 'pg', 'undici', 'zod', 'lodash', 'rxjs'];
const VERBS = ['get', 'load', 'save', 'charge', 'refund', 'parse', 'render'];
const NOUNS = ['Order', 'Payment', 'User', 'Cart', 'Invoice', 'Session'];
const TYPES = ['TypeError', 'RangeError', 'DatabaseError', 'TimeoutError'];

/** 1,000 distinct groups: each its own chain of in-app frames among library frames. */
function groupShapes(): GroupShape[] {
  return Array.from({ length: GROUPS }, (_, g) => {
    const depth = between(10, 30);
    const frames = Array.from({ length: depth }, (__, i) => {
      const inApp = i === depth - 1 || random() < 0.5;
      return inApp
        ? {
            module: `app.${pick(NOUNS).toLowerCase()}.${pick(VERBS)}`,
            function: `${pick(VERBS)}${pick(NOUNS)}_${g}_${i}`,
            in_app: true,
          }
        : {
            module: `node_modules.${pick(LIBS)}.lib`,
            function: `${pick(VERBS)}Internal`,
            in_app: false,
          };
    });
    return {
      entityRef: ENTITIES[g % ENTITIES.length],
      type: pick(TYPES),
      frames,
    };
  });
}

function errorEvents(shapes: GroupShape[], count: number) {
  const base = Date.now() / 1000 - 3600;
  return Array.from({ length: count }, (_, i) => {
    const shape = shapes[Math.floor(random() * shapes.length)];
    return {
      entityRef: shape.entityRef,
      event_id: randomBytes(16).toString('hex'),
      timestamp: base + i / 100,
      platform: 'node',
      level: pick(['error', 'error', 'error', 'warning', 'fatal']),
      release: `web@1.${between(0, 4)}.0`,
      environment: pick(['production', 'staging', 'development']),
      user: {
        id: `u${between(1, 500)}`,
        email: `u${between(1, 500)}@example.com`,
      },
      tags: {
        browser: pick(['Firefox', 'Chrome', 'Safari']),
        region: pick(['eu', 'us']),
      },
      exception: {
        values: [
          {
            type: shape.type,
            value: `${pick(NOUNS)} ${between(
              1,
              99999,
            )} failed: ${randomUUID()}`,
            stacktrace: {
              frames: shape.frames.map(f => ({
                ...f,
                filename: `${f.module.replace(/\./g, '/')}.js`,
                lineno: between(1, 2000),
                colno: between(1, 80),
              })),
            },
          },
        ],
      },
    };
  });
}

function transactionEvents(count: number) {
  const base = Date.now() / 1000 - 3600;
  return Array.from({ length: count }, (_, i) => {
    const start = base + i / 100;
    return {
      entityRef: pick(ENTITIES),
      type: 'transaction',
      event_id: randomBytes(16).toString('hex'),
      transaction: `GET /${pick(NOUNS).toLowerCase()}s/:id`,
      start_timestamp: start,
      timestamp: start + random(),
      release: `web@1.${between(0, 4)}.0`,
      environment: pick(['production', 'staging']),
      user: { id: `u${between(1, 500)}` },
      contexts: {
        trace: {
          op: 'http.server',
          status: pick(['ok', 'ok', 'internal_error']),
        },
      },
      spans: Array.from({ length: between(5, 20) }, (__, s) => ({
        span_id: randomBytes(8).toString('hex'),
        op: pick(['db', 'http.client', 'cache']),
        description: `SELECT * FROM ${pick(
          NOUNS,
        ).toLowerCase()}s WHERE id = ${between(1, 1e6)}`,
        start_timestamp: start + s / 1000,
        timestamp: start + s / 1000 + 0.001,
      })),
    };
  });
}

function toBatches<T>(items: T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH)
    batches.push(items.slice(i, i + BATCH));
  return batches;
}

interface Target {
  name: string;
  knex: Knex;
  cleanup: () => Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'event-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  return {
    name: 'SQLite (file)',
    knex,
    cleanup: async () => {
      await knex.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgTarget(url: string): Promise<Target> {
  const name = `ado_sync_event_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw(`CREATE DATABASE ${name}`);
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  const knex = knexFactory({
    client: 'pg',
    connection: parsed.toString(),
    pool: { min: 0, max: 10 },
  });
  return {
    name: 'PostgreSQL',
    knex,
    cleanup: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

interface Row {
  database: string;
  kind: string;
  concurrency: number;
  events: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  validateMs: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/** Validates and saves every batch, `concurrency` requests at a time. */
async function run(
  store: ErrorEventIngestor,
  batches: unknown[][],
  concurrency: number,
): Promise<{
  seconds: number;
  latencies: number[];
  events: number;
  validateMs: number;
}> {
  const latencies: number[] = [];
  let next = 0;
  let events = 0;
  let validateMs = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const t0 = process.hrtime.bigint();
        const { events: normalized, errors } = parseErrorEventBody(batch);
        if (errors.length > 0) throw new Error(errors[0].message);
        const t1 = process.hrtime.bigint();
        validateMs += Number(t1 - t0) / 1e6;
        const saved = await store.save(normalized);
        events += saved.filter(s => s.outcome === 'accepted').length;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    validateMs: validateMs / batches.length,
    latencies,
    events,
  };
}

async function benchTarget(target: Target, rows: Row[]) {
  const database = {
    getClient: async () => target.knex,
    migrations: { skip: false },
  } as unknown as DatabaseService;
  const knex = await getMigratedClient(database);
  const store = new ErrorEventIngestor({
    store: new DatabaseErrorEventStore(knex),
    issueService: new IssueService({
      issues: new DatabaseIssueStore(knex),
      outbox: new DatabaseOutboxStore(knex),
    }),
  });
  const shapes = groupShapes();

  // SQLite has one writer: more concurrent requests only queue, so it runs at 1.
  const levels = target.name.startsWith('SQLite') ? [1] : CONCURRENCY;
  for (const concurrency of levels) {
    const errorResult = await run(
      store,
      toBatches(errorEvents(shapes, ERRORS)),
      concurrency,
    );
    rows.push({
      database: target.name,
      kind: 'error events',
      concurrency,
      events: errorResult.events,
      seconds: errorResult.seconds,
      perSecond: errorResult.events / errorResult.seconds,
      p50Ms: percentile(errorResult.latencies, 50),
      p99Ms: percentile(errorResult.latencies, 99),
      validateMs: errorResult.validateMs,
    });
    const txResult = await run(
      store,
      toBatches(transactionEvents(TRANSACTIONS)),
      concurrency,
    );
    rows.push({
      database: target.name,
      kind: 'transactions',
      concurrency,
      events: txResult.events,
      seconds: txResult.seconds,
      perSecond: txResult.events / txResult.seconds,
      p50Ms: percentile(txResult.latencies, 50),
      p99Ms: percentile(txResult.latencies, 99),
      validateMs: txResult.validateMs,
    });
  }
  const [{ n }] = await target.knex('issues').count({ n: '*' });
  console.log(
    `${target.name}: ${n} issues after the run (expected ≤ ${GROUPS})`,
  );
}

async function main() {
  const rows: Row[] = [];
  const targets: Array<() => Promise<Target>> =
    arg('sqlite', 'true') === 'false' ? [] : [sqliteTarget];
  if (PG_URL) targets.push(() => pgTarget(PG_URL));
  else
    console.log(
      'PostgreSQL skipped: pass --pg <url> or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );

  for (const make of targets) {
    // A fresh database each round, so no round starts with another's rows.
    for (let round = 0; round < ROUNDS; round++) {
      const target = await make();
      try {
        await benchTarget(target, rows);
      } finally {
        await target.cleanup();
      }
    }
  }

  console.log(
    `\nEvent save: ${GROUPS} groups, stack traces of 10–30 frames, ${BATCH} events per call (validate + save), median of ${ROUNDS} interleaved round(s)\n`,
  );
  console.log(
    '| database | kind | concurrent calls | events | events/s (median) | events/s (min–max) | p50 ms/call | p99 ms/call | of which validation ms/call |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.database}|${r.kind}|${r.concurrency}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const median = (values: number[]) => percentile(values, 50);
  for (const same of groups.values()) {
    const r = same[0];
    const rates = same.map(x => x.perSecond);
    console.log(
      `| ${r.database} | ${r.kind} | ${r.concurrency} | ${
        r.events
      } | ${Math.round(median(rates))} | ${Math.round(
        Math.min(...rates),
      )}–${Math.round(Math.max(...rates))} | ${median(
        same.map(x => x.p50Ms),
      ).toFixed(1)} | ${median(same.map(x => x.p99Ms)).toFixed(1)} | ${median(
        same.map(x => x.validateMs),
      ).toFixed(1)} |`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
