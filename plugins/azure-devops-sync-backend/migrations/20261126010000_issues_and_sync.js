// @ts-check

/**
 * Issues ("groups") fed by saved events, their links to work items and activity, the events
 * themselves, and the durable inbox (webhook deliveries) and outbox (outbound ADO changes).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('issues', table => {
    table.comment(
      'Issues of catalog entities: error events grouped by fingerprint',
    );
    table.string('id').primary().notNullable().comment('uuid');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Catalog entity the issue belongs to');
    table
      .integer('short_seq')
      .notNullable()
      .comment('Per-entity counter behind short_id');
    table.string('short_id').notNullable().comment('e.g. PAYMENTS-API-3');
    table
      .string('group_hash', 64)
      .notNullable()
      .comment('sha256 of the grouping key');
    table.text('title').notNullable();
    table.text('culprit').notNullable().defaultTo('');
    table.string('level').notNullable().defaultTo('error');
    table.string('status').notNullable().defaultTo('unresolved');
    table.string('assignee').nullable().comment('User entity ref');
    table.integer('times_seen').notNullable().defaultTo(0);
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.string('first_release').nullable();
    table.string('last_release').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['entity_ref', 'group_hash']);
    table.unique(['entity_ref', 'short_seq']);
    table.index(['entity_ref', 'status']);
  });

  await knex.schema.createTable('events', table => {
    table.comment('Saved error and transaction events');
    table.string('entity_ref').notNullable();
    table.string('event_id', 64).notNullable();
    table.string('type').notNullable().comment('error | transaction');
    table
      .string('issue_id')
      .nullable()
      .references('id')
      .inTable('issues')
      .onDelete('CASCADE');
    table.timestamp('timestamp', { useTz: true }).notNullable();
    table.string('level').nullable();
    table.string('platform').nullable();
    table.text('message').nullable();
    table.string('release').nullable();
    table.string('environment').nullable();
    table.string('user_key').nullable();
    table.string('transaction').nullable();
    table.string('op').nullable();
    table.string('transaction_status').nullable();
    table.double('duration_ms').nullable();
    table
      .text('span_hashes')
      .nullable()
      .comment('JSON array of span grouping hashes');
    table.text('data').notNullable().comment('The normalized event as JSON');
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['entity_ref', 'event_id']);
    table.index(['issue_id']);
  });

  await knex.schema.createTable('releases', table => {
    table.string('entity_ref').notNullable();
    table.string('version').notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'version']);
  });

  await knex.schema.createTable('environments', table => {
    table.string('entity_ref').notNullable();
    table.string('name').notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'name']);
  });

  await knex.schema.createTable('event_users', table => {
    table.comment('End users seen in events (the reference: EventUser)');
    table.string('entity_ref').notNullable();
    table
      .string('user_key')
      .notNullable()
      .comment('id:, email:, username: or ip: prefixed');
    table.string('user_id').nullable();
    table.string('email').nullable();
    table.string('username').nullable();
    table.string('ip_address').nullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'user_key']);
  });

  await knex.schema.createTable('event_outcomes', table => {
    table.comment('Per entity: accepted, invalid and duplicate event counts');
    table.string('entity_ref').notNullable();
    table.string('outcome').notNullable();
    table.bigInteger('count').notNullable().defaultTo(0);
    table.primary(['entity_ref', 'outcome']);
  });

  await knex.schema.createTable('issue_links', table => {
    table.comment('Work items linked to issues');
    table
      .string('issue_id')
      .notNullable()
      .references('id')
      .inTable('issues')
      .onDelete('CASCADE');
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.integer('work_item_id').notNullable();
    table.string('project_id').nullable();
    table.string('project_name').nullable();
    table.string('work_item_type').nullable();
    table.text('title').notNullable().defaultTo('');
    table.string('state').notNullable().defaultTo('');
    table.text('url').notNullable();
    table.string('display_name').nullable().comment('{AreaPath}#{id}');
    table
      .boolean('broken')
      .notNullable()
      .defaultTo(false)
      .comment('The work item was deleted');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['issue_id', 'organization_id', 'work_item_id']);
    table.index(['organization_id', 'work_item_id']);
  });

  await knex.schema.createTable('issue_activity', table => {
    table.comment('What changed an issue, and who or what did it');
    table.string('id').primary().notNullable();
    table
      .string('issue_id')
      .notNullable()
      .references('id')
      .inTable('issues')
      .onDelete('CASCADE');
    table.string('type').notNullable();
    table
      .string('source_kind')
      .notNullable()
      .comment('user | azure-devops | system');
    table.string('source_user_ref').nullable();
    table.string('source_organization_id').nullable();
    table.integer('source_work_item_id').nullable();
    table.integer('source_revision').nullable();
    table.text('data').notNullable().defaultTo('{}');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['issue_id', 'created_at']);
  });

  await knex.schema.createTable('inbox_deliveries', table => {
    table.comment(
      'Service hook deliveries, stored before they are acknowledged',
    );
    table.string('id').primary().notNullable();
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.string('event_type').notNullable();
    table.integer('work_item_id').nullable();
    table.integer('revision').nullable();
    table.text('payload').notNullable();
    table
      .string('status')
      .notNullable()
      .defaultTo('pending')
      .comment('pending | applied | skipped | failed');
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .timestamp('next_attempt_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.text('last_error').nullable();
    table
      .text('outcome')
      .nullable()
      .comment('What applying it did, or why it changed nothing');
    table.string('claimed_by').nullable();
    table.timestamp('claimed_at', { useTz: true }).nullable();
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('processed_at', { useTz: true }).nullable();
    table.unique(['organization_id', 'event_type', 'work_item_id', 'revision']);
    table.index(['status', 'next_attempt_at']);
  });

  await knex.schema.createTable('work_item_sync_state', table => {
    table.comment(
      'Per work item: the last revision applied from ADO (stale-revision guard)',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.integer('work_item_id').notNullable();
    table.integer('last_applied_revision').notNullable().defaultTo(0);
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['organization_id', 'work_item_id']);
  });

  await knex.schema.createTable('outbox_jobs', table => {
    table.comment(
      'Outbound changes to ADO, written with the issue change they follow',
    );
    table.string('id').primary().notNullable();
    table
      .bigInteger('seq')
      .notNullable()
      .comment('Order of creation, for in-order runs per work item');
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.integer('work_item_id').notNullable();
    table
      .string('issue_id')
      .nullable()
      .references('id')
      .inTable('issues')
      .onDelete('SET NULL');
    table.string('kind').notNullable().comment('status | assignee | comment');
    table.text('payload').notNullable();
    table
      .string('status')
      .notNullable()
      .defaultTo('pending')
      .comment('pending | running | done | skipped | failed');
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .timestamp('next_attempt_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.text('last_error').nullable();
    table.text('outcome').nullable();
    table.string('claimed_by').nullable();
    table.timestamp('claimed_at', { useTz: true }).nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['status', 'next_attempt_at']);
    table.index(['organization_id', 'work_item_id', 'seq']);
  });

  await knex.schema.createTable('written_revisions', table => {
    table.comment(
      'Revisions our outbound sync wrote to ADO: their deliveries are echoes to skip',
    );
    table
      .string('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    table.integer('work_item_id').notNullable();
    table.integer('revision').notNullable();
    table.text('fields').notNullable().defaultTo('[]');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['organization_id', 'work_item_id', 'revision']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'written_revisions',
    'outbox_jobs',
    'work_item_sync_state',
    'inbox_deliveries',
    'issue_activity',
    'issue_links',
    'event_outcomes',
    'event_users',
    'environments',
    'releases',
    'events',
    'issues',
  ]) {
    await knex.schema.dropTable(name);
  }
};
