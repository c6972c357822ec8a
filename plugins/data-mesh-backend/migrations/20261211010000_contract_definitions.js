// @ts-check

/*
 * Contract history: every definition of a data contract (an API entity of spec.type odcs) the
 * backend has seen in the catalog, once per content (the SHA-256 of the definition as
 * canonical JSON: key order and YAML formatting change nothing), with its declared version
 * and when it was first seen. The order of first sight is the contract's history.
 *
 * As in the init migration: timestamps as `timestamp with time zone` (PostgreSQL) / `datetime`
 * (SQLite), always written as JavaScript `Date` values, and no column defaults to `now()`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('contract_definitions', table => {
    table.comment('Every definition of each data contract seen in the catalog');
    table.bigIncrements('id').comment('Order of first sight, across contracts');
    table
      .string('contract_ref', 255)
      .notNullable()
      .comment('The API entity holding the contract, lowercase');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('SHA-256 (hex) of the definition as canonical JSON');
    table
      .string('version', 255)
      .notNullable()
      .comment('The version the definition declares');
    table.text('definition').notNullable().comment('The definition, as JSON');
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.unique(['contract_ref', 'content_hash'], {
      indexName: 'contract_definitions_hash_uq',
    });
    table.index(['contract_ref', 'id'], 'contract_definitions_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('contract_definitions');
};
