import { aggregateOfRule } from './foldSqlRule';

const TABLE = '"sales"."orders"';

describe('aggregateOfRule', () => {
  const fold = (sql: string, table = TABLE) => aggregateOfRule(sql, table);

  it.each([
    [
      `SELECT COUNT(*) FROM ${TABLE} WHERE "amount" < 0`,
      `COUNT(*) FILTER (WHERE "amount" < 0)`,
    ],
    [`select avg(price) as average from ${TABLE};`, 'avg(price)'],
    [
      `SELECT max(amount) FROM ${TABLE} WHERE extract(year FROM shipped) = 2026 AND note <> 'FROM x WHERE y'`,
      `max(amount) FILTER (WHERE extract(year FROM shipped) = 2026 AND note <> 'FROM x WHERE y')`,
    ],
    [
      `SELECT sum(CASE WHEN a > 0 THEN 1 ELSE 0 END) FROM ${TABLE} WHERE a IS NOT NULL OR b IN (1, 2)`,
      'sum(CASE WHEN a > 0 THEN 1 ELSE 0 END) FILTER (WHERE a IS NOT NULL OR b IN (1, 2))',
    ],
  ])('folds %s', async (sql, expression) => {
    expect(await fold(sql)).toBe(expression);
  });

  it.each([
    ['another table', `SELECT COUNT(*) FROM "sales"."customers"`],
    [
      'the table under an alias',
      `SELECT COUNT(*) FROM ${TABLE} o WHERE o.amount < 0`,
    ],
    [
      'a qualified column',
      `SELECT COUNT(*) FROM ${TABLE} WHERE orders.amount < 0`,
    ],
    ['two tables', `SELECT COUNT(*) FROM ${TABLE}, "sales"."customers"`],
    [
      'a join',
      `SELECT COUNT(*) FROM ${TABLE} JOIN "sales"."customers" USING (id)`,
    ],
    ['GROUP BY', `SELECT COUNT(*) FROM ${TABLE} GROUP BY amount`],
    ['HAVING', `SELECT COUNT(*) FROM ${TABLE} HAVING COUNT(*) > 1`],
    ['LIMIT', `SELECT COUNT(*) FROM ${TABLE} LIMIT 1`],
    ['ORDER BY', `SELECT COUNT(*) FROM ${TABLE} ORDER BY 1`],
    ['a set operation', `SELECT COUNT(*) FROM ${TABLE} UNION SELECT 1`],
    ['a CTE', `WITH o AS (SELECT 1) SELECT COUNT(*) FROM ${TABLE}`],
    [
      'a subquery',
      `SELECT COUNT(*) FROM ${TABLE} WHERE id IN (SELECT id FROM ${TABLE})`,
    ],
    ['a scalar subquery', `SELECT MAX((SELECT 1)) FROM ${TABLE}`],
    ['DISTINCT in the aggregate', `SELECT COUNT(DISTINCT id) FROM ${TABLE}`],
    [
      'a FILTER of its own',
      `SELECT COUNT(*) FILTER (WHERE a > 0) FROM ${TABLE}`,
    ],
    ['a window', `SELECT COUNT(*) OVER () FROM ${TABLE}`],
    [
      'an expression of aggregates',
      `SELECT COUNT(*) * 100.0 / 3 FROM ${TABLE}`,
    ],
    ['a cast aggregate', `SELECT CAST(COUNT(*) AS INTEGER) FROM ${TABLE}`],
    ['a function that is no aggregate', `SELECT abs(amount) FROM ${TABLE}`],
    ['two values', `SELECT COUNT(*), MAX(id) FROM ${TABLE}`],
    ['a SELECT DISTINCT', `SELECT DISTINCT COUNT(*) FROM ${TABLE}`],
    [
      'a trailing comment',
      `SELECT COUNT(*) FROM ${TABLE} WHERE a < 0 -- not folded`,
    ],
    ['no table', 'SELECT COUNT(*)'],
    ['invalid SQL', `SELECT COUNT(* FROM ${TABLE}`],
    ['two statements', `SELECT COUNT(*) FROM ${TABLE}; SELECT 1`],
  ])('leaves a rule with %s to its own query', async (_, sql) => {
    expect(await fold(sql)).toBeUndefined();
  });

  it('needs the table the scan reads, as the rule names it', async () => {
    expect(await fold('SELECT COUNT(*) FROM "orders"', '"orders"')).toBe(
      'COUNT(*)',
    );
    expect(await fold('SELECT COUNT(*) FROM orders', '"orders"')).toBe(
      undefined,
    );
  });
});
