import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseOdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import YAML from 'yaml';
import { createContractCreateAction } from './contractCreate';
import { examples } from './contractCreate.examples';

describe('data-mesh:contract:create', () => {
  const workspace = createMockDirectory();
  const action = createContractCreateAction();

  beforeEach(() => workspace.clear());

  const exampleInput = () => YAML.parse(examples[0].example).steps[0].input;

  it('writes a valid ODCS v3.1.0 contract of the port and its columns', async () => {
    const ctx = createMockActionContext({
      input: exampleInput(),
      workspacePath: workspace.path,
    });

    await action.handler(ctx);

    const text = fs.readFileSync(
      workspace.resolve('contracts/orders.odcs.yaml'),
      'utf8',
    );
    const contract = parseOdcsContract(text);
    expect(contract).toEqual({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'customer-orders-orders-contract',
      name: 'Customer Orders - orders',
      version: '1.0.0',
      status: 'draft',
      domain: 'sales',
      dataProduct: 'customer-orders',
      description: {
        purpose: 'Orders per customer, cleaned and deduplicated.',
      },
      team: { name: 'group:sales-data' },
      schema: [
        {
          name: 'orders',
          logicalType: 'object',
          physicalType: 'table',
          description: 'One row per order',
          properties: [
            {
              name: 'order_id',
              logicalType: 'string',
              description: 'Order id',
              required: true,
              primaryKey: true,
              primaryKeyPosition: 1,
            },
            {
              name: 'customer_id',
              logicalType: 'string',
              required: true,
              classification: 'confidential',
            },
            {
              name: 'amount',
              logicalType: 'number',
              physicalType: 'DECIMAL(12,2)',
            },
            { name: 'ordered_at', logicalType: 'timestamp' },
          ],
        },
      ],
      slaProperties: [
        {
          property: 'latency',
          value: 24,
          unit: 'h',
          // Measured on the first timestamp column.
          element: 'orders.ordered_at',
          description: 'Data is at most PT24H old',
        },
        { property: 'availability', value: 99.5, unit: 'percent' },
      ],
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'contractId',
      'customer-orders-orders-contract',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'contractPath',
      'contracts/orders.odcs.yaml',
    );
  });

  it('takes a port of the form as it is, with an id and a path of its own', async () => {
    const ctx = createMockActionContext({
      input: {
        product: 'ward-events',
        port: {
          name: 'events',
          type: 'topic',
          version: '2.0.0',
          columns: [{ name: 'ward', type: 'string' as const }],
        },
        columns: [{ name: 'ward', type: 'string' as const }],
        id: '1b6e7a3c-3f8f-4c65-9d55-0d4b8b2a1e11',
        status: 'active',
        targetPath: 'product/contracts/events.yaml',
        slos: { freshness: 'PT1H30M' },
      },
      workspacePath: workspace.path,
    });

    await action.handler(ctx);

    const contract = parseOdcsContract(
      fs.readFileSync(
        workspace.resolve('product/contracts/events.yaml'),
        'utf8',
      ),
    );
    expect(contract).toMatchObject({
      id: '1b6e7a3c-3f8f-4c65-9d55-0d4b8b2a1e11',
      name: 'ward-events - events',
      version: '2.0.0',
      status: 'active',
      schema: [{ name: 'events', physicalType: 'topic' }],
      slaProperties: [{ property: 'latency', value: 'PT1H30M' }],
    });
    expect(contract.schema![0]).not.toHaveProperty('columns');
  });

  it.each([
    ['P2D', { value: 2, unit: 'd' }],
    ['PT15M', { value: 15, unit: 'm' }],
    ['P1DT0H', { value: 1, unit: 'd' }],
    ['P1W', { value: 'P1W' }],
    ['daily', { value: 'daily' }],
  ])('writes freshness %s as ODCS latency %j', async (freshness, latency) => {
    const input = exampleInput();
    input.slos = { freshness };
    await action.handler(
      createMockActionContext({ input, workspacePath: workspace.path }),
    );

    const contract = parseOdcsContract(
      fs.readFileSync(workspace.resolve('contracts/orders.odcs.yaml'), 'utf8'),
    );
    expect(contract.slaProperties).toEqual([
      expect.objectContaining({ property: 'latency', ...latency }),
    ]);
  });

  it('refuses a column of an unknown type, naming the column, and writes nothing', async () => {
    const input = exampleInput();
    input.columns[2].type = 'money';
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
    });

    const problem = {
      field: 'columns[2] (amount).type',
      message:
        'must be one of string, date, timestamp, time, number, integer, object, array, boolean, got "money"',
    };
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: `The contract of port orders is not a valid ODCS contract: ${problem.field}: ${problem.message}`,
      problems: [problem],
    });
    expect(fs.readdirSync(workspace.path)).toEqual([]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('refuses duplicate or missing column names', async () => {
    const ctx = createMockActionContext({
      input: {
        product: 'customer-orders',
        port: { name: 'orders', type: 'table' },
        columns: [
          { name: 'id', type: 'string' as const },
          { name: 'id', type: 'integer' as const },
          { name: '', type: 'integer' as const },
        ],
      },
      workspacePath: workspace.path,
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      message:
        'The contract is invalid: columns[1].name: "id" is used by another column; columns[2].name: is required',
      problems: [
        { field: 'columns[1].name', message: '"id" is used by another column' },
        { field: 'columns[2].name', message: 'is required' },
      ],
    });
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it('refuses a port name that is not a file name', async () => {
    const ctx = createMockActionContext({
      input: {
        product: 'customer-orders',
        port: { name: '../orders', type: 'table' },
      },
      workspacePath: workspace.path,
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      /^port\.name: "\.\.\/orders" is not a valid port name/,
    );
  });

  it('refuses a target path outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: {
        product: 'customer-orders',
        port: { name: 'orders', type: 'table' },
        targetPath: '../orders.odcs.yaml',
      },
      workspacePath: workspace.path,
    });

    await expect(action.handler(ctx)).rejects.toThrow(/outside/);
  });
});
