// @ts-check

/*
 * Rollups of a domain or owner read only the level, score and compliance of its products (and
 * the ref, when the caller's read permission restricts them). With only the (domain_ref, score)
 * index, PostgreSQL read each product's whole scorecards row, about 2.6 KB with its checks and
 * policy results: a domain of 10,000 products (of 50,000) took 240 ms to 780 ms. A partial
 * covering index of the products in the catalog answers it from the index alone (5 to 8 ms).
 * SQLite has no INCLUDE: the columns are part of its key.
 */

const GROUPS = [
  ['domain_ref', 'scorecards_domain_rollup_idx'],
  ['owner_ref', 'scorecards_owner_rollup_idx'],
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const postgres = knex.client.dialect === 'postgresql';
  for (const [column, name] of GROUPS) {
    await knex.raw(
      postgres
        ? `create index ?? on ?? (??, ??) include (??, ??, ??) where ?? is null`
        : `create index ?? on ?? (??, ??, ??, ??, ??) where ?? is null`,
      [
        name,
        'scorecards',
        column,
        'level',
        'score',
        'compliant',
        'entity_ref',
        'removed_at',
      ],
    );
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const [, name] of GROUPS) {
    await knex.raw('drop index if exists ??', [name]);
  }
};
