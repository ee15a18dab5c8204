// @ts-check

/**
 * An organization now has one service hook per event type (updated, deleted, restored,
 * commented). The `workitem.updated` hook stays where it always was (`organizations.
 * subscription_*`), so a row written before this change, and a rollback to a version that knows
 * only that hook, both keep working; the other hooks get a row here each, created by the next
 * connect or health check.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('organization_hooks', table => {
    table.comment(
      'ADO service hook subscriptions of an organization besides workitem.updated (kept on organizations)',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table
      .string('event_type')
      .notNullable()
      .comment('ADO event type, e.g. workitem.deleted');
    table
      .string('subscription_id')
      .notNullable()
      .comment('ADO service hook subscription id');
    table
      .string('secret')
      .notNullable()
      .comment(
        'Shared-Secret header this hook sends; never returned by the API',
      );
    table
      .string('status')
      .notNullable()
      .comment('Last known ADO subscription status');
    table.timestamp('checked_at', { useTz: true }).nullable();
    table.primary(['organization_id', 'event_type']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('organization_hooks');
};
