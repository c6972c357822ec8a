import { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import YAML from 'yaml';
import { entityDataProductSchemaContent } from '../../alpha';
import { DataMeshApi, dataMeshApiRef } from '../../api';
import {
  dataProduct,
  fakeDataMeshApi,
  renderEntityPage,
  responseError,
} from '../../__testUtils__';

// Whole test apps render slowly on a busy CI machine.
jest.setTimeout(30_000);

/*
 * The Tables card of the Schema tab, rendered on the tab through a test app with the data mesh
 * API answering as the backend does: the DDL of a non-breaking change and the button that
 * applies it, a breaking change's refusal with the consumers it would break, an up-to-date
 * table, and nothing at all for a caller who is no owner (the plan answers 403).
 */

const product = dataProduct('orders', {
  owner: 'group:default/sales-data',
  outputPorts: [{ name: 'orders', type: 'table', contract: 'orders-contract' }],
});
const definition = YAML.stringify({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'orders-contract',
  version: '1.1.0',
  status: 'active',
  servers: [
    { server: 'archive', type: 'duckdb', database: 'archive.duckdb' },
    { server: 'lake', type: 'duckdb', database: 'lake.duckdb' },
  ],
  schema: [
    {
      name: 'orders',
      properties: [
        { name: 'order_id', logicalType: 'string', primaryKey: true },
        { name: 'note', logicalType: 'string' },
      ],
    },
  ],
});
const contract: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'orders-contract', namespace: 'default' },
  spec: {
    type: 'odcs',
    lifecycle: 'production',
    owner: 'group:default/sales-data',
    definition,
  },
};

const server = {
  id: 'lake',
  type: 'duckdb',
  schema: 'sales',
  contractServer: { server: 'lake', type: 'duckdb', schema: 'sales' },
};
const ALTER = 'ALTER TABLE "sales"."orders" ADD COLUMN "note" VARCHAR';

type Plan = Awaited<ReturnType<DataMeshApi['planProvisioning']>>;
const plan = (port: Partial<Plan['ports'][number]>, applied = false): Plan => ({
  entityRef: 'dataproduct:default/orders',
  server,
  dialect: 'duckdb',
  applied,
  ports: [
    {
      port: 'orders',
      objects: [{ table: '"sales"."orders"', action: 'alter' }],
      statements: [],
      notes: [],
      ...port,
    },
  ],
});

function render(overrides: Partial<DataMeshApi>) {
  const api = fakeDataMeshApi({
    // Only lake provisions for the domain: the contract's archive server is not one.
    listProvisioningServers: jest.fn(async () => ({ items: [server] })),
    ...overrides,
  });
  renderEntityPage(product, [entityDataProductSchemaContent], {
    apis: [
      [dataMeshApiRef, api],
      catalogApiMock({ entities: [product, contract] }),
    ],
  });
  return api;
}

const findTables = () =>
  screen.findByRole(
    'region',
    { name: 'Tables of orders' },
    { timeout: 10_000 },
  );

describe('the Tables card of the schema tab', () => {
  it("shows the DDL that brings the table up to the catalog's contract and applies it to the port's server", async () => {
    const api = render({
      planProvisioning: jest.fn(async () => plan({ statements: [ALTER] })),
      applyProvisioning: jest.fn(async () =>
        plan({ statements: [ALTER] }, true),
      ),
    });

    const tables = await findTables();
    expect(tables).toHaveTextContent('Output port orders on lake');
    expect(tables).toHaveTextContent('The tables are behind the contract');
    expect(
      within(tables).getByLabelText('DDL to run on lake'),
    ).toHaveTextContent(ALTER);
    // The plan asked about the catalog's product and contract, on the contract's server.
    expect(api.listProvisioningServers).toHaveBeenCalledWith('sales');
    expect(api.planProvisioning).toHaveBeenCalledWith({
      entity: expect.objectContaining({ metadata: product.metadata }),
      contracts: [{ port: 'orders', definition }],
      server: 'lake',
    });

    fireEvent.click(
      within(tables).getByRole('button', { name: 'Apply to lake' }),
    );
    const done = await within(tables).findByRole('status');
    expect(done).toHaveTextContent('Applied to lake');
    expect(within(done).getByLabelText('DDL run on lake')).toHaveTextContent(
      ALTER,
    );
    expect(api.applyProvisioning).toHaveBeenCalledWith({
      entity: expect.objectContaining({ metadata: product.metadata }),
      contracts: [{ port: 'orders', definition }],
      server: 'lake',
    });
    expect(
      within(tables).queryByRole('button', { name: 'Apply to lake' }),
    ).not.toBeInTheDocument();
  });

  it('refuses a breaking change, naming what breaks and the consumers it would break with their owners, and offers no apply', async () => {
    const api = render({
      planProvisioning: jest.fn(async () =>
        plan({
          breaking: [
            'schema.orders.properties.region: new column region is required, and the rows already there have no value for it',
          ],
          consumers: [
            {
              entityRef: 'dataproduct:default/billing',
              kind: 'input-port',
              port: 'orders-in',
              owners: ['group:default/finance'],
            },
            {
              entityRef: 'group:default/research',
              kind: 'agreement',
              port: 'orders',
              productRef: 'dataproduct:default/orders',
              agreementId: 'a-1',
              contractVersion: '1.0.0',
              owners: ['group:default/research'],
            },
          ],
        }),
      ),
      applyProvisioning: jest.fn(),
    });

    const tables = await findTables();
    const refusal = within(tables).getByRole('alert');
    expect(refusal).toHaveTextContent(
      'Breaking change to "sales"."orders": the contract cannot be applied',
    );
    expect(refusal).toHaveTextContent('new column region is required');
    const consumers = within(refusal).getByRole('table', {
      name: 'Consumers the change to orders would break',
    });
    const rows = within(consumers).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'billingInput port orders-infinance',
      'researchUsage agreement on port orders (contract version 1.0.0)research',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: 'billing' }),
    ).toHaveAttribute('href', '/catalog/default/dataproduct/billing');
    expect(within(tables).queryByRole('button')).not.toBeInTheDocument();
    expect(api.applyProvisioning).not.toHaveBeenCalled();
  });

  it('says when the table is up to date', async () => {
    render({
      planProvisioning: jest.fn(async () =>
        plan({ objects: [{ table: '"sales"."orders"', action: 'none' }] }),
      ),
    });
    const tables = await findTables();
    expect(tables).toHaveTextContent(
      'Up to date: "sales"."orders" match the contract.',
    );
    expect(within(tables).queryByRole('button')).not.toBeInTheDocument();
  });

  it("shows apply's refusal when the table changed since the plan", async () => {
    render({
      planProvisioning: jest.fn(async () => plan({ statements: [ALTER] })),
      applyProvisioning: jest.fn(async () => {
        throw await responseError(409, {
          name: 'ConflictError',
          message:
            'Breaking change to "sales"."orders" on server lake, refused: column note; it would break 1 consumer(s)',
        });
      }),
    });
    const tables = await findTables();
    fireEvent.click(
      within(tables).getByRole('button', { name: 'Apply to lake' }),
    );
    expect(await within(tables).findByRole('alert')).toHaveTextContent(
      'Not applied: Breaking change to "sales"."orders" on server lake, refused: column note; it would break 1 consumer(s)',
    );
  });

  it('shows nothing to a caller who is no owner', async () => {
    const api = render({
      planProvisioning: jest.fn(async () => {
        throw await responseError(403, {
          name: 'NotAllowedError',
          message:
            'Only the owners of dataproduct:default/orders (group:default/sales-data) may provision its output ports',
        });
      }),
    });
    // The schema shows; the plan was asked and refused; no Tables card.
    await screen.findByRole(
      'table',
      { name: 'Columns of orders' },
      { timeout: 10_000 },
    );
    await waitFor(() => expect(api.planProvisioning).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByText('Tables')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Tables of orders' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/Only the owners/)).not.toBeInTheDocument();
  });
});
