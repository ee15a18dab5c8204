// @ts-check

/**
 * Inbound assignee is judged like state: from the value the work item had at the last applied
 * revision, kept on the link, so a late or lost delivery cannot leave the issue behind.
 * `written_revisions.fields` now holds the values written (field → value), not only the names,
 * so a foreign edit that takes the revision number we expected is not mistaken for our echo;
 * `confirmed` marks the revisions ADO's answer proved ours (the others are only expected).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('written_revisions', table => {
    table
      .boolean('confirmed')
      .notNullable()
      .defaultTo(false)
      .comment('ADO answered the PATCH with this revision (not only expected)');
  });
  await knex.schema.alterTable('issue_links', table => {
    table
      .string('assigned_to')
      .nullable()
      .comment(
        'ADO assignee e-mail at the last applied revision; empty = unassigned, null = unknown',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('written_revisions', table => {
    table.dropColumn('confirmed');
  });
  await knex.schema.alterTable('issue_links', table => {
    table.dropColumn('assigned_to');
  });
};
