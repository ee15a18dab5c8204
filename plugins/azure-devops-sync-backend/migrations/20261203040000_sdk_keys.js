// @ts-check

/*
 * Sentry-SDK ingest keys created through `POST /sdk-keys` (config keys are not stored). A key is
 * found by the SHA-256 digest of what the SDK presents, so no comparison ever runs on the key
 * itself; a revoked key keeps its row, so it answers 403 instead of 401.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('sdk_keys', table => {
    table.comment('Sentry-SDK ingest keys: a DSN per catalog entity');
    table
      .string('key_digest', 64)
      .primary()
      .comment('SHA-256 hex of the public key: the lookup column');
    table
      .string('public_key', 64)
      .notNullable()
      .comment('The DSN user part (32 hex digits), shown to key managers');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Canonical entity ref the events are saved on');
    table.string('created_by', 512).nullable().comment('User entity ref');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('revoked_at', { useTz: true })
      .nullable()
      .comment('Set by DELETE /sdk-keys/:publicKey; ingest then answers 403');
    table.string('revoked_by', 512).nullable().comment('User entity ref');
    table.index(['entity_ref'], 'sdk_keys_entity_ref_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sdk_keys');
};
