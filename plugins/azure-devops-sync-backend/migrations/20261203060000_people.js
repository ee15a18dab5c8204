// @ts-check

/*
 * People mapped between ADO and the catalog (issue 19). ADO identities and catalog e-mails often
 * differ (aliases, guest accounts, UPNs), so an admin maps them explicitly; inbound and outbound
 * assignment consult the mapping before matching e-mails. Identities seen in deliveries that
 * matched no catalog user are kept as suggestions for the admin page.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('people_mappings', table => {
    table.comment(
      'Explicit ADO identity ↔ catalog user mappings per organization',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table
      .string('ado_identity', 512)
      .notNullable()
      .comment('ADO unique name or e-mail, lower-case (ADO compares them so)');
    table
      .string('ado_identity_display', 512)
      .notNullable()
      .comment('The identity as the admin typed it');
    table
      .string('user_entity_ref', 512)
      .notNullable()
      .comment('Canonical catalog User entity ref');
    table.integer('position').notNullable().comment('Order in the saved list');
    table.string('updated_by', 512).nullable().comment('User entity ref');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['organization_id', 'ado_identity']);
    table.index(
      ['organization_id', 'user_entity_ref'],
      'people_mappings_user_idx',
    );
  });

  await knex.schema.createTable('people_unmatched', table => {
    table.comment(
      'ADO identities seen as assignees in deliveries that matched no catalog user',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table
      .string('ado_identity', 512)
      .notNullable()
      .comment('ADO unique name or e-mail, lower-case');
    table
      .string('display_name', 512)
      .nullable()
      .comment('ADO display name, when the delivery had one');
    table
      .timestamp('last_seen_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['organization_id', 'ado_identity']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('people_unmatched');
  await knex.schema.dropTable('people_mappings');
};
