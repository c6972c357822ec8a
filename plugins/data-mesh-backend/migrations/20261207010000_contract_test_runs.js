// @ts-check

/*
 * Contract tests: each run of one contract of a data product on its data server, with every
 * check and what it measured. The latest runs of a product become its facts `contract_tests`
 * and `freshness`; older ones are its trend and evidence, deleted past their retention.
 *
 * As in the init migration: JSON as text, timestamps as `timestamp with time zone`
 * (PostgreSQL) / `datetime` (SQLite), always written as JavaScript `Date` values, and no
 * timestamp column defaults to `now()`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('contract_test_runs', table => {
    table.comment(
      'Contract test runs: one contract of one data product tested',
    );
    table
      .bigIncrements('seq')
      .comment('Order of storing; breaks ties between runs finished together');
    table.string('id', 36).notNullable().unique().comment('A UUID');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lowercase kind:namespace/name of the product');
    table
      .string('contract_ref', 255)
      .notNullable()
      .comment('Lowercase ref of the API entity holding the contract');
    table.string('contract_id', 255).notNullable().comment('The ODCS id');
    table
      .string('contract_version', 255)
      .nullable()
      .comment(
        'The ODCS version tested; null when the contract was unreadable',
      );
    table
      .string('server', 255)
      .nullable()
      .comment('The dataMesh.servers id tested; null when none was chosen');
    table
      .string('trigger', 32)
      .notNullable()
      .comment('schedule, new or manual');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.integer('errors').notNullable();
    table.integer('skipped').notNullable();
    table
      .text('checks')
      .notNullable()
      .comment('JSON array of the checks with their measured values');
    table.index(
      ['entity_ref', 'contract_ref', 'finished_at'],
      'contract_test_runs_contract_idx',
    );
    table.index(['finished_at'], 'contract_test_runs_finished_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('contract_test_runs');
};
