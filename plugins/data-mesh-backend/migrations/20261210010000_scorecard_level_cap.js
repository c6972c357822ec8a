// @ts-check

/*
 * The level cap of governance: why a product's level is held below what its checks earn while
 * it is not compliant (JSON: checksLevel, policyIds, reason), null when nothing holds it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecards', table => {
    table.text('level_cap').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecards', table => {
    table.dropColumn('level_cap');
  });
};
