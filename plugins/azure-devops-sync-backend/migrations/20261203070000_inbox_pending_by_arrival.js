// @ts-check

/**
 * The inbox claim reads the pending deliveries in arrival order and stops at its limit. With
 * only the (status, next_attempt_at) index, PostgreSQL read every pending row and sorted them:
 * after a burst (a few thousand pending among 100,000 rows) a claim took about 280 ms against
 * 50 ms with this index, which holds the pending rows only, already in claim order.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('inbox_deliveries', table => {
    table.index(
      ['received_at', 'revision'],
      'inbox_deliveries_pending_by_arrival',
      {
        predicate: knex.whereRaw("status = 'pending'"),
      },
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('inbox_deliveries', table => {
    table.dropIndex([], 'inbox_deliveries_pending_by_arrival');
  });
};
