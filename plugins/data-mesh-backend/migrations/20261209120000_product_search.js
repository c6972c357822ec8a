// @ts-check

/*
 * The caller's catalog read permission as a query over our own index: `product_search` mirrors,
 * for each indexed product, the catalog's search rows (lowercase key and value, the way the
 * catalog flattens an entity), so that a conditional decision of the catalog's rules (owner,
 * kind, annotation, label, metadata, spec) becomes an `exists` over these rows instead of a
 * catalog read of every readable product per request. `product_index.search_hash` says which
 * rows are stored, so that a pass that changes nothing rewrites none of them.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('product_search', table => {
    table.comment(
      'Catalog search rows of each indexed product, for read permission conditions',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lowercase kind:namespace/name of the product');
    table
      .string('key', 200)
      .notNullable()
      .comment('Lowercase dotted path, as the catalog search table has it');
    table
      .string('value', 200)
      .nullable()
      .comment('Lowercase value; null for null, objects or values over 200');
    table.index(['key', 'value', 'entity_ref'], 'product_search_key_idx');
    table.index(['entity_ref'], 'product_search_entity_idx');
  });
  await knex.schema.alterTable('product_index', table => {
    table
      .string('search_hash', 64)
      .nullable()
      .comment('Hash of the product_search rows stored for the product');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('product_index', table => {
    table.dropColumn('search_hash');
  });
  await knex.schema.dropTable('product_search');
};
