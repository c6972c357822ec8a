// @ts-check

/*
 * Facts and scorecards of the data mesh backend.
 *
 * Portable between SQLite and PostgreSQL: JSON is stored as text, timestamps as
 * `timestamp with time zone` (PostgreSQL) / `datetime` (SQLite). The store always writes
 * JavaScript `Date` values, which PostgreSQL keeps as timestamptz and better-sqlite3 as epoch
 * milliseconds, so comparisons and ordering are correct on both. No column defaults to
 * `now()`: on SQLite that would mix text timestamps with numeric ones.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Every observation of a fact source about an entity, pushed or pulled: the history.
  await knex.schema.createTable('fact_observations', table => {
    table.comment('Every fact observation (push or pull), kept as history');
    table.bigIncrements('id');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lowercase kind:namespace/name');
    table.string('source', 255).notNullable().comment('Fact source name');
    table.text('facts').notNullable().comment('JSON object of fact values');
    table
      .timestamp('observed_at', { useTz: true })
      .notNullable()
      .comment('When the values were true');
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .comment('When the backend stored them');
    table.index(
      ['entity_ref', 'source', 'observed_at'],
      'fact_observations_entity_source_observed_idx',
    );
  });

  // The newest observation per (entity, source), upserted in the same transaction as the
  // history row, so that evaluation reads the current facts of many products by primary key.
  await knex.schema.createTable('facts_latest', table => {
    table.comment('The newest fact observation per entity and source');
    table.string('entity_ref', 255).notNullable();
    table.string('source', 255).notNullable();
    table.text('facts').notNullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'source']);
  });

  // The latest scorecard of each product, denormalised with its domain and owner for rollups.
  await knex.schema.createTable('scorecards', table => {
    table.comment('The latest scorecard of each data product');
    table.string('entity_ref', 255).notNullable().primary();
    table.string('domain_ref', 255).nullable();
    table.string('owner_ref', 255).nullable();
    table.double('score').notNullable().comment('Weighted score, 0-100');
    table
      .string('level', 255)
      .nullable()
      .comment('Highest level fully passed; null if none');
    table.text('checks').notNullable().comment('JSON array of check results');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.index(['domain_ref', 'score'], 'scorecards_domain_score_idx');
    table.index(['owner_ref', 'score'], 'scorecards_owner_score_idx');
  });

  // Score and level over time: a point is added only when the result changed.
  await knex.schema.createTable('scorecard_history', table => {
    table.comment('Scorecard changes over time');
    table.bigIncrements('id');
    table.string('entity_ref', 255).notNullable();
    table.double('score').notNullable();
    table.string('level', 255).nullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'evaluated_at'],
      'scorecard_history_entity_evaluated_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_history');
  await knex.schema.dropTable('scorecards');
  await knex.schema.dropTable('facts_latest');
  await knex.schema.dropTable('fact_observations');
};
