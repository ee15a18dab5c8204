// @ts-check

/**
 * The create form's defaults per entity and organization: the project and work item type last
 * used (the reference's `project_issue_defaults`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('create_defaults', table => {
    table.comment(
      'Last project and work item type used to create a work item, per entity',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.string('project_id').notNullable();
    table.string('work_item_type').notNullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['organization_id', 'entity_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('create_defaults');
};
