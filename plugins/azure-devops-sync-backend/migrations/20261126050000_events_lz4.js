// @ts-check

/**
 * PostgreSQL: compress the stored event JSON (stack traces, kilobytes each) with lz4 instead of
 * the default pglz. Saving events spends most of its database time compressing that column;
 * lz4 does it several times faster for about the same size. Where the server lacks lz4
 * (before PostgreSQL 14, or built without it) nothing changes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  const { rows } = await knex.raw(
    `SELECT 1 FROM pg_settings
      WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  );
  if (rows.length === 0) return;
  await knex.raw('ALTER TABLE ?? ALTER COLUMN data SET COMPRESSION lz4', [
    'events',
  ]);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  const { rows } = await knex.raw(
    `SELECT 1 FROM pg_settings
      WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  );
  if (rows.length === 0) return;
  await knex.raw('ALTER TABLE ?? ALTER COLUMN data SET COMPRESSION pglz', [
    'events',
  ]);
};
