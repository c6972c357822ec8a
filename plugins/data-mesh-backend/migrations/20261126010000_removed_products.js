// @ts-check

/*
 * Soft removal of products that left the catalog: a pass marks their latest result with
 * `removed_at` instead of deleting it and its history, every read leaves them out, and a
 * later result (the product is back) clears the mark. Removed products are purged once
 * their retention (`dataMesh.scorecards.removal.retention`) has passed.
 *
 * As in the init migration, the timestamp is `timestamp with time zone` (PostgreSQL) /
 * `datetime` (SQLite), written as JavaScript `Date` values, with no default.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecards', table => {
    table
      .timestamp('removed_at', { useTz: true })
      .nullable()
      .comment(
        'When a pass found the product gone from the catalog; null while it is there',
      );
    table.index(['removed_at'], 'scorecards_removed_idx');
  });
};

/**
 * Going down forgets which products were removed: their results show again until a pass of
 * the older code deletes them.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecards', table => {
    table.dropIndex(['removed_at'], 'scorecards_removed_idx');
  });
  await knex.schema.alterTable('scorecards', table => {
    table.dropColumn('removed_at');
  });
};
