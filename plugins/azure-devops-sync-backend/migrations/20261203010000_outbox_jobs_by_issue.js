// @ts-check

/**
 * Every read of an issue's links shows the state of each link's last outbound job, looked up
 * by issue: without this index that lookup scans the whole outbox.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('outbox_jobs', table => {
    table.index(
      ['issue_id', 'organization_id', 'work_item_id', 'seq'],
      'outbox_jobs_by_issue',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('outbox_jobs', table => {
    table.dropIndex(
      ['issue_id', 'organization_id', 'work_item_id', 'seq'],
      'outbox_jobs_by_issue',
    );
  });
};
