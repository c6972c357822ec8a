/**
 * Two tables of orders: `orders_good` meets every rule of {@link ordersContract};
 * `orders_bad` is the same plus one row that breaks each rule by exactly one row.
 */
export const ORDERS_SETUP = `
CREATE SCHEMA sales;
CREATE TABLE sales.orders_good (
  id INTEGER, line INTEGER, customer VARCHAR(40), status VARCHAR(10), code VARCHAR(10),
  email VARCHAR(100), country VARCHAR(10), amount NUMERIC(10,2), ordered_at TIMESTAMP,
  order_date DATE, paid BOOLEAN
);
INSERT INTO sales.orders_good VALUES
  (1, 1, 'c1', 'a', 'AB1', 'a1@example.com', 'DE', 10.50, TIMESTAMP '2026-01-01 08:00:00', DATE '2026-01-01', true),
  (2, 1, 'c2', 'b', 'AB2', 'a2@example.com', 'FR', 11.00, TIMESTAMP '2026-01-02 08:00:00', DATE '2026-01-02', true),
  (3, 1, 'c3', 'a', 'CD3', 'a3@example.com', 'NL', 12.00, TIMESTAMP '2026-01-03 08:00:00', DATE '2026-01-03', false),
  (4, 1, 'c4', 'b', 'CD4', 'a4@example.com', 'DE', 13.00, TIMESTAMP '2026-01-04 08:00:00', DATE '2026-01-04', true),
  (5, 1, 'c5', 'a', 'EF5', 'a5@example.com', 'BE', 14.00, TIMESTAMP '2026-01-05 08:00:00', DATE '2026-01-05', true),
  (6, 1, 'c6', 'b', 'EF6', 'a6@example.com', 'DE', 15.00, TIMESTAMP '2026-01-06 08:00:00', DATE '2026-01-06', false),
  (7, 1, 'c7', 'a', 'GH7', 'a7@example.com', 'FR', 16.00, TIMESTAMP '2026-01-07 08:00:00', DATE '2026-01-07', true),
  (8, 2, 'c7', 'b', 'GH8', 'a8@example.com', 'FR', 17.00, TIMESTAMP '2026-01-08 08:00:00', DATE '2026-01-08', true),
  (9, 1, 'c9', 'a', 'IJ9', 'a9@example.com', 'IT', 18.00, TIMESTAMP '2026-01-09 08:00:00', DATE '2026-01-09', true),
  (10, 1, 'c10', 'b', 'IJ0', 'a0@example.com', 'ES', 19.00, TIMESTAMP '2026-01-10 08:00:00', DATE '2026-01-10', true);
CREATE TABLE sales.orders_bad AS SELECT * FROM sales.orders_good;
INSERT INTO sales.orders_bad VALUES
  (1, 1, 'c1', 'x', 'bad', NULL, 'N/A', -1.00, TIMESTAMP '2026-01-01 09:00:00', DATE '2026-01-01', false);
`;

/** An operator of ODCS with a bound, and whether a count of 0 (good) meets it. */
export interface OperatorCase {
  operator: string;
  bound: number | number[];
  goodPasses: boolean;
}

/** Every operator, for counts of offending rows: 0 on the good table, 1 on the bad one. */
export const COUNT_OPERATORS: OperatorCase[] = [
  { operator: 'mustBe', bound: 0, goodPasses: true },
  { operator: 'mustNotBe', bound: 1, goodPasses: true },
  { operator: 'mustBeLessThan', bound: 1, goodPasses: true },
  { operator: 'mustBeLessOrEqualTo', bound: 0, goodPasses: true },
  { operator: 'mustBeBetween', bound: [0, 0.5], goodPasses: true },
  { operator: 'mustNotBeBetween', bound: [1, 100], goodPasses: true },
  { operator: 'mustBeGreaterThan', bound: 0, goodPasses: false },
  { operator: 'mustBeGreaterOrEqualTo', bound: 1, goodPasses: false },
];

/** Every operator, for row counts: 10 on the good table, 11 on the bad one. */
export const ROW_COUNT_OPERATORS: OperatorCase[] = [
  { operator: 'mustBe', bound: 10, goodPasses: true },
  { operator: 'mustNotBe', bound: 11, goodPasses: true },
  { operator: 'mustBeLessThan', bound: 11, goodPasses: true },
  { operator: 'mustBeLessOrEqualTo', bound: 10, goodPasses: true },
  { operator: 'mustBeBetween', bound: [1, 10], goodPasses: true },
  { operator: 'mustNotBeBetween', bound: [11, 20], goodPasses: true },
  { operator: 'mustBeGreaterThan', bound: 10, goodPasses: false },
  { operator: 'mustBeGreaterOrEqualTo', bound: 11, goodPasses: false },
];

const rules = (metric: string, extra: Record<string, unknown> = {}) =>
  COUNT_OPERATORS.map(({ operator, bound }) => ({
    name: `${metric}${
      extra.arguments ? `:${Object.keys(extra.arguments as object)[0]}` : ''
    } ${operator}`,
    type: 'library',
    metric,
    [operator]: bound,
    ...extra,
  }));

/** The library metrics of the contract, each with every operator, by property. */
export const METRIC_RULES = {
  email: rules('nullValues'),
  country: rules('missingValues', {
    arguments: { missingValues: ['N/A', ''] },
  }),
  status: rules('invalidValues', { arguments: { validValues: ['a', 'b'] } }),
  code: rules('invalidValues', { arguments: { pattern: '^[A-Z]{2}[0-9]$' } }),
  id: rules('duplicateValues'),
};

/** A contract of the orders table `table` on server `server` (schema `sales`). */
export function ordersContract(
  table: string,
  server: { server: string; type: string } = {
    server: 'warehouse',
    type: 'duckdb',
  },
) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'orders',
    version: '1.0.0',
    status: 'active',
    servers: [
      { ...server, database: 'x', host: 'h', port: 5432, schema: 'sales' },
    ],
    slaProperties: [
      {
        property: 'latency',
        value: 4,
        unit: 'h',
        element: 'orders.ordered_at',
      },
      {
        property: 'retention',
        value: 1,
        unit: 'y',
        element: 'orders.order_date',
      },
    ],
    schema: [
      {
        name: 'orders',
        physicalName: table,
        physicalType: 'table',
        quality: [
          ...ROW_COUNT_OPERATORS.map(({ operator, bound }) => ({
            name: `rowCount ${operator}`,
            metric: 'rowCount',
            [operator]: bound,
          })),
          ...rules('duplicateValues', {
            arguments: { properties: ['id', 'line'] },
          }),
        ],
        properties: [
          {
            name: 'line',
            logicalType: 'integer',
            primaryKey: true,
            primaryKeyPosition: 2,
          },
          {
            name: 'id',
            logicalType: 'integer',
            physicalType: 'int',
            primaryKey: true,
            primaryKeyPosition: 1,
            unique: true,
            quality: METRIC_RULES.id,
          },
          {
            name: 'customer',
            logicalType: 'string',
            physicalType: 'varchar(40)',
            required: true,
          },
          {
            name: 'status',
            logicalType: 'string',
            quality: METRIC_RULES.status,
          },
          { name: 'code', logicalType: 'string', quality: METRIC_RULES.code },
          {
            name: 'email',
            logicalType: 'string',
            physicalType: 'text',
            required: true,
            quality: [
              ...METRIC_RULES.email,
              {
                name: 'email nulls in percent',
                metric: 'nullValues',
                mustBeLessThan: 5,
                unit: 'percent',
              },
            ],
          },
          {
            name: 'country',
            logicalType: 'string',
            quality: METRIC_RULES.country,
          },
          {
            name: 'amount',
            logicalType: 'number',
            physicalType: 'numeric(10,2)',
            quality: [
              {
                name: 'no negative amounts',
                type: 'sql',
                query: 'SELECT COUNT(*) FROM ${table} WHERE ${column} < 0',
                mustBe: 0,
              },
            ],
          },
          {
            name: 'ordered_at',
            logicalType: 'timestamp',
            physicalType: 'timestamp',
          },
          { name: 'order_date', logicalType: 'date' },
          { name: 'paid', logicalType: 'boolean' },
        ],
      },
    ],
  };
}
