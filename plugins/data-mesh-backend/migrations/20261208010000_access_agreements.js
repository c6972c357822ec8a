// @ts-check

/*
 * Access agreements: a consumer's usage agreement on one output port of a data product, and
 * every transition of its state (who, when, why). The access service holds the state machine;
 * each transition is one conditional update with its transition row.
 *
 * As in the init migration: timestamps as `timestamp with time zone` (PostgreSQL) / `datetime`
 * (SQLite), always written as JavaScript `Date` values, and no column defaults to `now()`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('access_agreements', table => {
    table.comment('Usage agreements: a consumer reads one output port');
    table.string('id', 36).primary().comment('A UUID');
    table
      .string('product_ref', 255)
      .notNullable()
      .comment('Lowercase kind:namespace/name of the product');
    table.string('output_port', 255).notNullable();
    table
      .string('consumer_ref', 255)
      .notNullable()
      .comment('Lowercase ref of the consuming Group, Component or System');
    table.text('purpose').notNullable();
    table.string('contract_version', 255).nullable();
    table
      .timestamp('until', { useTz: true })
      .nullable()
      .comment('When the agreement ends; null for no end');
    table
      .string('state', 32)
      .notNullable()
      .comment(
        'requested, approved, active, rejected, revoked, expired or failed',
      );
    table.string('approval', 32).notNullable().comment('automatic or owners');
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table
      .string('server', 255)
      .nullable()
      .comment('The dataMesh.servers id access is granted on, once known');
    table.text('failure_reason').nullable();
    table
      .timestamp('reminded_at', { useTz: true })
      .nullable()
      .comment('When both sides were told that the agreement ends soon');
    table
      .timestamp('released_at', { useTz: true })
      .nullable()
      .comment(
        'When access of an ended agreement was revoked on its server; null while it may remain',
      );
    table.index(
      ['product_ref', 'output_port', 'consumer_ref'],
      'access_agreements_port_idx',
    );
    table.index(['consumer_ref'], 'access_agreements_consumer_idx');
    table.index(['state', 'until'], 'access_agreements_state_idx');
  });
  await knex.schema.createTable('access_agreement_transitions', table => {
    table.comment('Audit log of access agreements: every change of state');
    table.bigIncrements('id');
    table
      .string('agreement_id', 36)
      .notNullable()
      .references('id')
      .inTable('access_agreements')
      .onDelete('CASCADE');
    table.string('from_state', 32).nullable().comment('null when requested');
    table.string('to_state', 32).notNullable();
    table
      .string('actor', 255)
      .notNullable()
      .comment('User entity ref, or system');
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('comment').nullable();
    table.index(['agreement_id', 'at'], 'access_transitions_agreement_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('access_agreement_transitions');
  await knex.schema.dropTable('access_agreements');
};
