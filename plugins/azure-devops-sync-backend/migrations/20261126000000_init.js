// @ts-check

/**
 * The organization configuration flow: connected ADO organizations, their sync settings and the
 * per-project state mapping.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('organizations', table => {
    table.comment('Azure DevOps organizations connected to this portal');
    table.string('id').primary().notNullable().comment('Our id (uuid)');
    table
      .string('name')
      .notNullable()
      .unique()
      .comment('ADO organization (account) name');
    table
      .string('external_id')
      .nullable()
      .unique()
      .comment('ADO account id: the collection.id of service hook deliveries');
    table.string('domain_name').notNullable().comment('Base URL ending in /');
    table
      .string('status')
      .notNullable()
      .defaultTo('active')
      .comment('active | error');
    table.text('status_reason').nullable().comment('Why the status is error');
    table
      .string('subscription_id')
      .nullable()
      .comment('ADO service hook subscription id');
    table
      .string('subscription_secret')
      .nullable()
      .comment(
        'Shared-Secret header the service hook sends; never returned by the API',
      );
    table
      .string('subscription_status')
      .notNullable()
      .defaultTo('missing')
      .comment('Last known ADO subscription status');
    table.timestamp('subscription_checked_at', { useTz: true }).nullable();
    table.timestamp('last_delivery_at', { useTz: true }).nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('organization_configs', table => {
    table.comment(
      'Sync settings of an organization (the four switches and inbound done states)',
    );
    table
      .string('organization_id')
      .primary()
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table
      .text('config')
      .notNullable()
      .comment('JSON of the settings other than the mapping rows');
    table
      .string('updated_by')
      .nullable()
      .comment('Entity ref of the last writer');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('project_mappings', table => {
    table.comment(
      'Per ADO project: the state to set when an issue is resolved or unresolved',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.string('project_id').notNullable().comment('ADO project id');
    table.string('on_resolve').notNullable();
    table.string('on_unresolve').notNullable();
    table.primary(['organization_id', 'project_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('project_mappings');
  await knex.schema.dropTable('organization_configs');
  await knex.schema.dropTable('organizations');
};
