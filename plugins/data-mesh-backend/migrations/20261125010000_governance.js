// @ts-check

/*
 * Governance: the compliance verdict and policy results saved with each scorecard, and
 * waivers (exceptions for one policy on one product) with their audit log.
 *
 * As in the init migration: JSON as text, timestamps as `timestamp with time zone`
 * (PostgreSQL) / `datetime` (SQLite), always written as JavaScript `Date` values (timestamptz
 * on PostgreSQL, epoch milliseconds with better-sqlite3), and no timestamp column defaults to
 * `now()`. Booleans are `boolean` on PostgreSQL and 0/1 on SQLite; the store converts on read.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Results saved before governance existed count as compliant, with no policy results.
  await knex.schema.alterTable('scorecards', table => {
    table
      .boolean('compliant')
      .notNullable()
      .defaultTo(true)
      .comment('Whether the product was compliant (waivers applied)');
    table
      .text('policy_results')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of governance policy results, before waivers');
  });

  await knex.schema.alterTable('scorecard_history', table => {
    table.boolean('compliant').notNullable().defaultTo(true);
  });

  // Exceptions for one policy on one product, requested by its owners and decided by
  // governance admins. An approved waiver stays `approved` past its expiry until the expiry
  // task marks it `expired`.
  await knex.schema.createTable('waivers', table => {
    table.comment('Waivers of governance policies for data products');
    table.string('id', 36).notNullable().primary().comment('A UUID');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lowercase kind:namespace/name of the product');
    table.string('policy_id', 255).notNullable();
    table.text('reason').notNullable();
    table
      .string('status', 32)
      .notNullable()
      .comment('pending, approved, rejected, revoked or expired');
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_comment').nullable();
    table
      .timestamp('expiry_notified_at', { useTz: true })
      .nullable()
      .comment('When the owners were told that it expires soon');
    table.index(['entity_ref', 'policy_id'], 'waivers_entity_policy_idx');
    table.index(['status', 'expires_at'], 'waivers_status_expires_idx');
  });

  // The audit log of each waiver: who requested, decided or expired it, and when.
  await knex.schema.createTable('waiver_events', table => {
    table.comment('Audit log of waivers');
    table.bigIncrements('id');
    table.string('waiver_id', 36).notNullable();
    table
      .string('action', 32)
      .notNullable()
      .comment('requested, approved, rejected, revoked or expired');
    table
      .string('actor', 255)
      .notNullable()
      .comment('User or service entity ref; system for expiry');
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('comment').nullable();
    table.index(['waiver_id'], 'waiver_events_waiver_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('waiver_events');
  await knex.schema.dropTable('waivers');
  await knex.schema.alterTable('scorecard_history', table => {
    table.dropColumn('compliant');
  });
  await knex.schema.alterTable('scorecards', table => {
    table.dropColumns('compliant', 'policy_results');
  });
};
