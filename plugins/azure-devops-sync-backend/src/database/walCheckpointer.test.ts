import knexFactory, { Knex } from 'knex';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWalCheckpointer, WalCheckpointer } from './walCheckpointer';

describe('startWalCheckpointer', () => {
  let dir: string;
  let db: Knex;
  let checkpointer: WalCheckpointer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = undefined;
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (filename: string) => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    await db.raw('PRAGMA journal_mode = WAL');
    await db.schema.createTable('rows', t => {
      t.increments('id');
      t.text('data');
    });
  };

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    const file = join(dir, 'plugin.sqlite');
    await open(file);
    const errors: string[] = [];
    checkpointer = await startWalCheckpointer(db, m => errors.push(m));
    expect(checkpointer).toBeDefined();
    const [{ wal_autocheckpoint: pages }] = await db.raw(
      'PRAGMA wal_autocheckpoint',
    );
    expect(pages).toBeGreaterThan(1000);

    // 2,000 commits of a 4 KB row (about 32 MiB of WAL frames): below the writer's own 64 MiB
    // fallback threshold, so only the background thread copies them back.
    const data = 'x'.repeat(4000);
    for (let i = 0; i < 2000; i++) await db('rows').insert({ data });

    const deadline = Date.now() + 15_000;
    while (statSync(file).size < 8_000_000 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
    }
    expect(statSync(file).size).toBeGreaterThanOrEqual(8_000_000);
    expect(await db('rows').count({ n: '*' })).toEqual([{ n: 2000 }]);
    expect(errors).toEqual([]);
  }, 30_000);

  it('starts the WAL over under steady writes instead of letting it grow to the fallback', async () => {
    const file = join(dir, 'plugin.sqlite');
    await open(file);
    const errors: string[] = [];
    checkpointer = await startWalCheckpointer(db, m => errors.push(m), {
      intervalMs: 50,
      resetPages: 256,
    });

    // 2,000 commits of a 4 KB row write about 32 MiB of WAL frames, with no pause for the
    // background thread to find the WAL fully copied back: without the reset it is never
    // started over and keeps growing. Each restart bumps the checkpoint sequence number in the
    // WAL header (bytes 12-15).
    const data = 'x'.repeat(4000);
    const header = Buffer.alloc(16);
    const sequences = new Set<number>();
    let largestWal = 0;
    for (let i = 0; i < 2000; i++) {
      await db('rows').insert({ data });
      const fd = openSync(`${file}-wal`, 'r');
      readSync(fd, header, 0, 16, 0);
      closeSync(fd);
      sequences.add(header.readUInt32BE(12));
      largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
      await new Promise(r => setImmediate(r));
    }
    expect(sequences.size).toBeGreaterThanOrEqual(3);
    expect(largestWal).toBeLessThan(16 * 1024 * 1024);
    expect(await db('rows').count({ n: '*' })).toEqual([{ n: 2000 }]);
    expect(errors).toEqual([]);
  }, 30_000);

  it('does nothing for an in-memory database', async () => {
    await open(':memory:');
    expect(await startWalCheckpointer(db, () => undefined)).toBeUndefined();
  });

  it('does nothing for PostgreSQL', async () => {
    db = knexFactory({ client: 'pg', connection: 'postgresql://unused' });
    expect(await startWalCheckpointer(db, () => undefined)).toBeUndefined();
  });
});
