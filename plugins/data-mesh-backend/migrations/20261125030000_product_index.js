// @ts-check

/*
 * The explorer's index: one row per product with a scorecard, holding the entity fields the
 * explorer filters, sorts and searches on. Written in the same transaction as the product's
 * latest scorecard and deleted with it; score, level and compliance are read from
 * `scorecards` by a join, so they are never stored twice.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('product_index', table => {
    table.comment('Searchable fields of each data product, for the explorer');
    table
      .string('entity_ref', 255)
      .notNullable()
      .primary()
      .comment('Lowercase kind:namespace/name of the product');
    table.string('name', 255).notNullable();
    table.string('title', 255).nullable();
    table.string('status', 64).nullable();
    table.string('type', 64).nullable();
    table.string('classification', 64).nullable();
    table.boolean('personal_data').nullable();
    table
      .text('search_text')
      .notNullable()
      .defaultTo('')
      .comment('Lowercase name, title, description, tags and port names');
    table.index(['name'], 'product_index_name_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('product_index');
};
