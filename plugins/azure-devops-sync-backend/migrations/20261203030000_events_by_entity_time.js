// @ts-check

/*
 * Events per entity by time: the issues tab's sparklines read the last 14 days of an entity's
 * error events.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('events', table => {
    table.index(['entity_ref', 'timestamp'], 'events_entity_ref_timestamp_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('events', table => {
    table.dropIndex(
      ['entity_ref', 'timestamp'],
      'events_entity_ref_timestamp_idx',
    );
  });
};
