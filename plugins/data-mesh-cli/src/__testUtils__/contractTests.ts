import { DuckDBInstance } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';

/** The rows every test database holds: two customers without an email, a defect. */
const ORDERS_DDL = (table: string) => `
  CREATE TABLE ${table} (
    order_id INTEGER NOT NULL PRIMARY KEY,
    customer_email VARCHAR(80),
    amount DECIMAL(10, 2) NOT NULL,
    "note<&>'"" ]]>" VARCHAR(20)
  );
  INSERT INTO ${table} VALUES
    (1, 'ada@example.com', 12.50, 'a'),
    (2, NULL, 8.00, 'b'),
    (3, 'grace@example.com', 99.90, NULL),
    (4, NULL, 1.25, 'c'),
    (5, 'alan@example.com', 40.00, 'd');
`;

/** A DuckDB database file with the `orders` table, closed so servers open it read-only. */
export async function createDuckDbFile(dir: string): Promise<string> {
  const file = path.join(dir, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(ORDERS_DDL('orders'));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return file;
}

/** The PostgreSQL server of the tests (trust auth on loopback). */
export const POSTGRES = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
};

/**
 * A throwaway schema holding the `orders` table on the test PostgreSQL server; `drop` removes
 * it and everything in it.
 */
export async function createPostgresSchema(): Promise<{
  schema: string;
  drop: () => Promise<void>;
}> {
  const schema = `dm_cli_test_${process.pid}_${Math.random()
    .toString(36)
    .slice(2, 8)}`;
  const client = new Client(POSTGRES);
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(ORDERS_DDL(`${schema}.orders`));
  } finally {
    await client.end();
  }
  return {
    schema,
    drop: async () => {
      const dropper = new Client(POSTGRES);
      await dropper.connect();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** An ODCS server entry of a contract. */
export type ContractServer = Record<string, unknown> & {
  server: string;
  type: string;
};

/**
 * An ODCS v3.1.0 contract of the `orders` table: order ids required and unique, amounts
 * required, at least one row; with `strict`, customer emails are required too, which the
 * data breaks (two are missing).
 */
export function ordersContract(
  id: string,
  servers: ContractServer[],
  options: { strict?: boolean; extraProperties?: unknown[] } = {},
) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id,
    version: '1.0.0',
    status: 'active',
    servers,
    schema: [
      {
        name: 'orders',
        physicalType: 'table',
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
        properties: [
          {
            name: 'order_id',
            logicalType: 'integer',
            physicalType: 'integer',
            required: true,
            primaryKey: true,
          },
          {
            name: 'customer_email',
            logicalType: 'string',
            physicalType: 'varchar(80)',
            required: Boolean(options.strict),
            ...(options.strict
              ? {
                  quality: [
                    {
                      metric: 'nullValues',
                      mustBe: 0,
                      description: 'Every order has an email to confirm it to',
                    },
                  ],
                }
              : {}),
          },
          {
            name: 'amount',
            logicalType: 'number',
            physicalType: 'decimal(10,2)',
            required: true,
          },
          ...(options.extraProperties ?? []),
        ],
      },
    ],
  };
}

/** Writes a YAML file (of a contract or a config) into `dir` and returns its path. */
export async function writeYaml(
  dir: string,
  name: string,
  content: unknown,
): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, stringify(content));
  return file;
}
