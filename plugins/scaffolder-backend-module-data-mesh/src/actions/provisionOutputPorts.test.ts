import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import YAML from 'yaml';
// The real data mesh backend creates the tables.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import dataMeshPlugin from '@datamesh-portal/plugin-data-mesh-backend';
import { provisionedTableName } from '@datamesh-portal/plugin-data-mesh-common';
import { createProvisionOutputPortsAction } from './provisionOutputPorts';
import { examples } from './provisionOutputPorts.examples';
import { contractTestOutcome } from './runContractTests';

jest.setTimeout(120_000);

/*
 * The action against the real data mesh backend (startTestBackend), creating tables in a real
 * DuckDB file: what it sends is what the backend takes, and what the contracts say afterwards
 * is where the tables are.
 */

const OWNER = 'user:default/ada';
const OUTSIDER = 'user:default/mallory';

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === OWNER ? [user, 'group:default/sales-data'] : [user],
      };
    },
  }),
});

const entity = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'customer-orders', namespace: 'default' },
  spec: {
    owner: 'group:sales-data',
    domain: 'sales',
    status: 'draft',
    outputPorts: [
      {
        name: 'orders',
        type: 'table',
        contract: 'customer-orders-orders-contract',
      },
      { name: 'events', type: 'topic' },
    ],
  },
};

const contractText = `# ODCS v3.1.0 data contract of output port orders of data product customer-orders.
apiVersion: v3.1.0
kind: DataContract
id: customer-orders-orders-contract
name: Customer Orders - orders
version: 1.0.0
status: draft
schema:
  - name: orders
    logicalType: object
    physicalType: table
    properties:
      - name: order_id
        logicalType: string
        required: true
        primaryKey: true
        primaryKeyPosition: 1
      - name: amount
        logicalType: number
`;

describe('data-mesh:provision-output-ports', () => {
  const root = createMockDirectory();
  let backend: TestBackend;
  let services: {
    discovery: DiscoveryService;
    auth: AuthService;
    catalog: CatalogService;
  };
  const lake = () => root.resolve('lake.duckdb');

  const context = (
    input: Record<string, unknown>,
    user = OWNER,
    isDryRun = false,
  ) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: root.resolve('workspace'),
    });
    (ctx as { isDryRun?: boolean }).isDryRun = isDryRun;
    ctx.getInitiatorCredentials = async () => mockCredentials.user(user);
    return ctx;
  };

  /** What the backend would do to the table now: create it, or nothing (it is there). */
  const tableAction = async () => {
    const ctx = context({ entity }, OWNER, true);
    await createProvisionOutputPortsAction(services).handler(ctx);
    const ddl = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'ddl',
    )[1];
    return ddl === '' ? 'none' : 'create';
  };

  beforeAll(async () => {
    const capture = createBackendPlugin({
      pluginId: 'capture',
      register(reg) {
        reg.registerInit({
          deps: {
            discovery: coreServices.discovery,
            auth: coreServices.auth,
            catalog: catalogServiceRef,
          },
          async init(deps) {
            services = deps;
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        dataMeshPlugin,
        capture,
        userInfo,
        mockServices.rootConfig.factory({
          data: {
            dataMesh: {
              servers: { lake: { type: 'duckdb', path: lake() } },
              provisioning: { servers: { lake: { domains: ['sales'] } } },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(() => {
    root.setContent({
      workspace: { contracts: { 'orders.odcs.yaml': contractText } },
    });
  });

  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it('only plans in a dry run: the DDL, nothing created, the contract as it was', async () => {
    const action = createProvisionOutputPortsAction(services);
    const ctx = context({ entity }, OWNER, true);
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('applied', false);
    expect(ctx.output).toHaveBeenCalledWith('server', 'lake');
    expect(ctx.output).toHaveBeenCalledWith(
      'ddl',
      expect.stringContaining('CREATE TABLE "sales"."customer_orders_orders"'),
    );
    expect(root.content({ path: 'workspace/contracts' })).toEqual({
      'orders.odcs.yaml': contractText,
    });
    expect(await tableAction()).toBe('create');
  });

  it('creates the table and points the contract at it', async () => {
    const action = createProvisionOutputPortsAction(services);
    const ctx = context({ entity, server: 'lake' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('applied', true);
    expect(ctx.output).toHaveBeenCalledWith('schema', 'sales');
    expect(ctx.output).toHaveBeenCalledWith('tables', [
      '"sales"."customer_orders_orders"',
    ]);
    expect(await tableAction()).toBe('none');

    const written = root.content({ path: 'workspace/contracts' })![
      'orders.odcs.yaml'
    ] as string;
    expect(written.startsWith('# ODCS v3.1.0 data contract')).toBe(true);
    const contract = YAML.parse(written);
    expect(contract.servers).toEqual([
      { server: 'lake', type: 'duckdb', database: lake(), schema: 'sales' },
    ]);
    expect(contract.schema[0].physicalName).toBe('customer_orders_orders');

    // Again: the table is there, nothing to do.
    const again = context({ entity });
    await action.handler(again);
    expect(again.output).toHaveBeenCalledWith('ddl', '');
  });

  it('refuses, naming why: not an owner, a server of another domain, no contract', async () => {
    const action = createProvisionOutputPortsAction(services);
    await expect(
      action.handler(
        context(
          { entity: { ...entity, metadata: { name: 'x-orders' } } },
          OUTSIDER,
        ),
      ),
    ).rejects.toThrow(
      'The tables of dataproduct:default/x-orders were not created: Only the owners of dataproduct:default/x-orders (group:default/sales-data) may provision its output ports',
    );
    await expect(
      action.handler(context({ entity, server: 'elsewhere' })),
    ).rejects.toThrow(
      /server: elsewhere is not a server the domain domain:default\/sales may provision on/,
    );
    root.setContent({ workspace: {} });
    await expect(action.handler(context({ entity }))).rejects.toThrow(
      'contractsDirectory: no contract contracts/orders.odcs.yaml for port orders in the workspace',
    );
    await expect(
      action.handler(
        context({
          entity: { ...entity, spec: { ...entity.spec, outputPorts: [] } },
        }),
      ),
    ).rejects.toThrow('has no output port of type table or view');
  });

  it('says when the backend cannot be reached', async () => {
    const action = createProvisionOutputPortsAction({
      ...services,
      discovery: {
        getBaseUrl: async () => 'http://127.0.0.1:1/api/data-mesh',
        getExternalBaseUrl: async () => 'http://127.0.0.1:1/api/data-mesh',
      },
    });
    await expect(action.handler(context({ entity }))).rejects.toThrow(
      /^Cannot reach the data mesh backend at http:\/\/127.0.0.1:1\/api\/data-mesh\/provisioning/,
    );
  });

  it('names tables by product and object, as identifiers need no quotes', () => {
    expect(provisionedTableName('customer-orders', 'orders')).toBe(
      'customer_orders_orders',
    );
    expect(provisionedTableName('A.b', 'C d')).toBe('a_b_c_d');
  });
});

describe('data-mesh:contract-tests:run', () => {
  it('reads the outcome from the counts', () => {
    const counts = { passed: 3, failed: 0, errors: 0, skipped: 1 };
    expect(contractTestOutcome(counts)).toBe('passed');
    expect(contractTestOutcome({ ...counts, errors: 1 })).toBe('error');
    expect(contractTestOutcome({ ...counts, errors: 1, failed: 1 })).toBe(
      'failed',
    );
    expect(contractTestOutcome({ ...counts, passed: 0 })).toBe('none');
  });
});
