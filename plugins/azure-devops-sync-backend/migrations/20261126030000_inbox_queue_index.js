// @ts-check

/**
 * The inbox claim asks, per candidate, "is a lower revision of this work item still open?".
 * The unique key has event_type in the middle, so that question scanned the organization's whole
 * inbox; this index answers it from the few open rows only (partial: finished rows are most).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('inbox_deliveries', table => {
    table.index(
      ['organization_id', 'work_item_id', 'revision'],
      'inbox_deliveries_open_by_work_item',
      { predicate: knex.whereRaw("status in ('pending', 'running')") },
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('inbox_deliveries', table => {
    table.dropIndex([], 'inbox_deliveries_open_by_work_item');
  });
};
