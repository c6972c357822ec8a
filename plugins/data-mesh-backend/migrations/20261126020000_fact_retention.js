// @ts-check

/*
 * Retention of fact history: a scheduled cleanup deletes observations older than
 * `dataMesh.facts.retention` (keeping the newest of each entity and source). This index lets
 * it find the old ones without reading the whole history.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('fact_observations', table => {
    table.index(['observed_at'], 'fact_observations_observed_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('fact_observations', table => {
    table.dropIndex(['observed_at'], 'fact_observations_observed_idx');
  });
};
