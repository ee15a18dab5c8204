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
import { createTestDatabases } from '../__testUtils__/databases';
import { tuneSqliteConnections } from './sqliteTuning';

jest.setTimeout(60_000);

describe('tuneSqliteConnections', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'leaves a working database on %p',
    async databaseId => {
      const db = await databases.init(databaseId);
      await db.schema.createTable('rows', t => {
        t.integer('id').primary();
        t.text('name');
      });
      await tuneSqliteConnections(db);
      await tuneSqliteConnections(db);
      await db('rows').insert(
        Array.from({ length: 5 }, (_, id) => ({ id, name: `row ${id}` })),
      );
      await db('rows').where({ id: 3 }).update({ name: 'renamed' });
      expect(await db('rows').where({ id: 3 }).first('name')).toEqual({
        name: 'renamed',
      });
    },
  );

  describe('on a better-sqlite3 file', () => {
    let dir: string;
    let db: Knex;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sqlite-tuning-'));
    });
    afterEach(async () => {
      await db?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const open = (pool?: Knex.PoolConfig) =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'plugin.sqlite') },
        useNullAsDefault: true,
        pool,
      });

    it('keeps WAL mode and synchronous = NORMAL on a connection the pool opens later', async () => {
      // Only the connection that switched the file to WAL is set explicitly; a later one gets
      // NORMAL from better-sqlite3's build of SQLite (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1).
      // The pool drops idle connections at once, so every query after a pause gets a new one.
      db = open({
        min: 0,
        max: 1,
        idleTimeoutMillis: 20,
        reapIntervalMillis: 10,
      });
      await tuneSqliteConnections(db);
      const first = await db.client.acquireConnection();
      const firstSynchronous = first.pragma('synchronous', { simple: true });
      await db.client.releaseConnection(first);
      // 1 = NORMAL (the default is 2, FULL).
      expect(firstSynchronous).toBe(1);
      await new Promise(r => setTimeout(r, 200));

      const later = await db.client.acquireConnection();
      try {
        expect(later).not.toBe(first);
        expect(later.pragma('synchronous', { simple: true })).toBe(1);
        expect(later.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        await db.client.releaseConnection(later);
      }
    });

    it('starts the WAL over under steady writes, with no checkpoint of its own', async () => {
      db = open();
      await tuneSqliteConnections(db);
      await db.schema.createTable('rows', t => {
        t.increments('id');
        t.text('data');
      });
      // 2,000 commits of a 4 KB row write about 32 MiB of WAL frames back to back. SQLite's own
      // checkpoint (every 1,000 pages, on the committing connection) copies them all back, so
      // the next commit starts the WAL over, which bumps the checkpoint sequence number in the
      // WAL header (bytes 12-15), and the WAL file stays near 1,000 pages.
      const file = join(dir, 'plugin.sqlite');
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
      }
      expect(sequences.size).toBeGreaterThanOrEqual(5);
      expect(largestWal).toBeLessThan(8 * 1024 * 1024);
      expect(await db('rows').count({ n: '*' })).toEqual([{ n: 2000 }]);
    });
  });
});
