// @ts-check

const KEY = [
  'issue_id',
  'type',
  'source_organization_id',
  'source_work_item_id',
  'source_revision',
];

/**
 * An activity that came from an ADO revision is recorded once: applying a delivery and marking
 * it done are separate steps, and a crash between them applies it again. Portal and system
 * activities have no revision (NULLs never collide), so they are unaffected.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Copies left by that crash path before this migration: keep the first of each.
  await knex('issue_activity')
    .whereNotNull('source_revision')
    .whereNotIn(
      'id',
      knex('issue_activity')
        .min('id')
        .whereNotNull('source_revision')
        .groupBy(KEY),
    )
    .delete();
  await knex.schema.alterTable('issue_activity', table => {
    table.unique(KEY, { indexName: 'issue_activity_once_per_revision' });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('issue_activity', table => {
    table.dropUnique(KEY, 'issue_activity_once_per_revision');
  });
};
