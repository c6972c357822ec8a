import { OdcsContract } from '../../types';

/** A contract whose lists and objects tests may change freely. */
export type TestContract = OdcsContract & {
  schema: any[];
  servers: any[];
  slaProperties: any[];
  roles: any[];
  support: any[];
  customProperties: any[];
  tags: string[];
  description: any;
  team: any;
  price: any;
  [field: string]: any;
};

/**
 * A valid ODCS contract with one of everything the diff compares: the base every pair of the
 * rule tests changes. Each call returns a fresh copy.
 */
export function ordersContract(): TestContract {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'orders-contract',
    name: 'Orders',
    version: '1.0.0',
    status: 'active',
    tenant: 'acme',
    domain: 'sales',
    dataProduct: 'orders',
    description: {
      purpose: 'Orders placed in the shop',
      usage: 'Join with customers on customer.id',
      limitations: 'No returns',
    },
    tags: ['sales', 'orders'],
    servers: [
      {
        server: 'prod',
        type: 'postgres',
        host: 'db.example.com',
        port: 5432,
        database: 'shop',
        schema: 'public',
        description: 'The shop database',
      },
    ],
    schema: [
      {
        id: 'orders_obj',
        name: 'orders',
        physicalName: 'orders_v1',
        physicalType: 'table',
        description: 'One row per order',
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 1000 }],
        properties: [
          {
            id: 'order_id_prop',
            name: 'order_id',
            logicalType: 'string',
            physicalType: 'varchar(36)',
            required: true,
            unique: true,
            primaryKey: true,
            primaryKeyPosition: 1,
            classification: 'internal',
            description: 'The order id',
            tags: ['id'],
            examples: ['a1', 'b2'],
          },
          {
            id: 'amount_prop',
            name: 'amount',
            logicalType: 'number',
            physicalType: 'numeric(10,2)',
            required: true,
            quality: [
              {
                name: 'amount_not_null',
                metric: 'nullValues',
                mustBe: 0,
                severity: 'error',
              },
            ],
          },
          {
            name: 'status',
            logicalType: 'string',
            physicalType: 'varchar(20)',
            quality: [
              {
                metric: 'invalidValues',
                mustBe: 0,
                arguments: { validValues: ['placed', 'shipped', 'delivered'] },
              },
            ],
          },
          {
            name: 'created_at',
            logicalType: 'timestamp',
            physicalType: 'timestamp',
            partitioned: true,
            partitionKeyPosition: 1,
          },
          {
            name: 'customer',
            logicalType: 'object',
            properties: [
              { name: 'id', logicalType: 'string' },
              {
                name: 'email',
                logicalType: 'string',
                logicalTypeOptions: { maxLength: 100 },
              },
            ],
          },
          {
            name: 'lines',
            logicalType: 'array',
            items: {
              logicalType: 'object',
              properties: [
                { name: 'sku', logicalType: 'string' },
                { name: 'quantity', logicalType: 'integer' },
              ],
            },
          },
        ],
      },
      {
        name: 'customers',
        physicalType: 'table',
        properties: [
          { name: 'id', logicalType: 'string', primaryKey: true },
          { name: 'note' },
        ],
      },
    ],
    slaProperties: [
      { property: 'latency', value: 1, unit: 'h' },
      { property: 'retention', value: 3, unit: 'y' },
      { property: 'availability', value: 99.9, unit: 'percent' },
    ],
    roles: [
      {
        role: 'orders_reader',
        access: 'read',
        firstLevelApprovers: 'Sales lead',
      },
    ],
    team: {
      name: 'sales-team',
      members: [{ username: 'alice', role: 'owner' }],
    },
    support: [{ channel: '#orders', tool: 'slack' }],
    price: { priceAmount: 1, priceCurrency: 'EUR', priceUnit: 'megabyte' },
    customProperties: [
      { property: 'costCenter', value: '42' },
      { property: 'region', value: 'eu' },
    ],
    contractCreatedTs: '2024-01-01T00:00:00Z',
  };
}
