// @ts-check

/**
 * Who made an Azure DevOps revision that changed an issue: their display name (the catalog user
 * they match goes in source_user_ref, unused for these rows until now).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('issue_activity', table => {
    table.string('source_actor_name').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('issue_activity', table => {
    table.dropColumn('source_actor_name');
  });
};
