import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { tuneSqliteConnections } from './sqliteConnections';

jest.setTimeout(60_000);

describe('tuneSqliteConnections', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'answers one query text with each call’s own bindings on %p',
    async databaseId => {
      const db = await databases.init(databaseId);
      await db.schema.createTable('rows', t => {
        t.integer('id').primary();
        t.text('name');
      });
      await tuneSqliteConnections(db);
      await db('rows').insert(
        Array.from({ length: 50 }, (_, id) => ({ id, name: `row ${id}` })),
      );
      for (let id = 0; id < 50; id++) {
        expect(await db('rows').where({ id }).first('name')).toEqual({
          name: `row ${id}`,
        });
      }
      await db('rows').where({ id: 7 }).update({ name: 'renamed' });
      expect(await db('rows').where({ id: 7 }).first('name')).toEqual({
        name: 'renamed',
      });
    },
  );

  describe('on a better-sqlite3 file', () => {
    let dir: string;
    let db: Knex;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sqlite-connections-'));
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

    it('prepares a repeated query once and sees schema changes made since', async () => {
      db = open();
      await db.schema.createTable('rows', t => {
        t.integer('id').primary();
      });
      // Count what reaches SQLite's own prepare underneath the cache.
      const connection = await db.client.acquireConnection();
      const prepared: string[] = [];
      const native = connection.prepare.bind(connection);
      connection.prepare = (sql: string) => {
        prepared.push(sql);
        return native(sql);
      };
      await db.client.releaseConnection(connection);
      await tuneSqliteConnections(db);

      for (let id = 0; id < 20; id++) await db('rows').insert({ id });
      expect(await db('rows').count({ n: '*' })).toEqual([{ n: 20 }]);
      expect(prepared.filter(sql => sql.startsWith('insert'))).toHaveLength(1);

      const all = () => db('rows').select('*').orderBy('id').limit(1);
      expect(await all()).toEqual([{ id: 0 }]);
      await db.schema.alterTable('rows', t => {
        t.text('note').defaultTo('new column');
      });
      expect(await all()).toEqual([{ id: 0, note: 'new column' }]);
    });

    it('tunes a connection the pool opens later as well', async () => {
      // The pool drops idle connections at once, so every query after a pause gets a new one.
      db = open({
        min: 0,
        max: 1,
        idleTimeoutMillis: 20,
        reapIntervalMillis: 10,
      });
      await tuneSqliteConnections(db);
      const first = await db.client.acquireConnection();
      await db.client.releaseConnection(first);
      await new Promise(r => setTimeout(r, 200));

      const later = await db.client.acquireConnection();
      try {
        expect(later).not.toBe(first);
        // 1 = NORMAL (the default is 2, FULL).
        expect(later.pragma('synchronous', { simple: true })).toBe(1);
        expect(later.prepare('select 1')).toBe(later.prepare('select 1'));
      } finally {
        await db.client.releaseConnection(later);
      }
    });
  });
});
