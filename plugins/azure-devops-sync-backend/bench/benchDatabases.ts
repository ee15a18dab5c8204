import type { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** A database the bench backend runs on: a SQLite file or a throwaway PostgreSQL database. */
export interface DbTarget {
  name: string;
  database: JsonObject;
  /** A connection to the plugin's database, for the checks. */
  connect: () => Knex;
  cleanup: () => Promise<void>;
}

export async function sqliteTarget(parentDir: string): Promise<DbTarget> {
  const dir = mkdtempSync(join(parentDir, 'webhook-bench-'));
  return {
    name: `SQLite (file in ${parentDir})`,
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

export async function pgTarget(url: string): Promise<DbTarget> {
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

export async function openCounts(db: Knex): Promise<Record<string, number>> {
  const rows = await db('inbox_deliveries')
    .select('status')
    .count({ n: '*' })
    .groupBy('status');
  return Object.fromEntries(rows.map((r: any) => [r.status, Number(r.n)]));
}

/** Polls until no delivery is pending or running and `expected` are stored; ms after `since`. */
export async function waitApplied(
  db: Knex,
  expected: number,
  since: number,
  timeoutMs: number,
): Promise<{ ms: number; counts: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
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
        `Deliveries still open after ${timeoutMs} ms: ${JSON.stringify(
          counts,
        )}`,
      );
    await new Promise(r => setTimeout(r, 25));
  }
}
