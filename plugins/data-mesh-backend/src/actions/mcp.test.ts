import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'net';
import { join } from 'path';
import YAML from 'yaml';
import { JsonObject } from '@backstage/types';
import { TestBackend } from '../__testUtils__/backends';
import {
  RouteTestDatabase,
  routeTestDatabase,
} from '../__testUtils__/routeDatabases';
import {
  dataMeshApi,
  evaluateProducts,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(180_000);

/*
 * The data mesh actions as an assistant uses them: a real MCP client (@modelcontextprotocol/sdk)
 * against the MCP actions backend of a running backend, with the catalog, the data mesh plugin
 * and a DuckDB warehouse. Each caller is a person with their own token: what the portal would
 * not show them, the assistant acting for them does not get either.
 */

/** An owner of the products (crm team; the policy lets owners decide on access). */
const ADA = 'user:default/ada';
/** A member of finance, who wants the customers data. */
const BOB = 'user:default/bob';
/** Someone the catalog's permission policy hides the secret ledger from. */
const MALLORY = 'user:default/mallory';

const teams: Record<string, string[]> = {
  [ADA]: ['group:default/crm'],
  [BOB]: ['group:default/finance'],
  [MALLORY]: [],
};

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs: [user, ...(teams[user] ?? [])],
      };
    },
  }),
});

/**
 * The permission policy: owners (Ada) decide on access; Mallory may not read entities labelled
 * secret (the catalog turns the condition into a filter); everything else is allowed.
 */
const permissions = mockServices.permissions.mock({
  async authorize(requests: EvaluatePermissionRequest[], options) {
    return requests.map(r => ({
      result:
        r.permission.name === 'data-mesh.access.decide' &&
        userOf(options.credentials) !== ADA
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  },
  async authorizeConditional(requests, options) {
    return requests.map(r =>
      r.permission.name === 'catalog.entity.read' &&
      userOf(options.credentials) === MALLORY
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              not: {
                rule: 'HAS_LABEL',
                resourceType: 'catalog-entity',
                params: { label: 'secret' },
              },
            },
          }
        : { result: AuthorizeResult.ALLOW },
    );
  },
}).factory;

const directory = createMockDirectory();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const contract = (id: string, table: string) =>
  YAML.stringify({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id,
    version: '1.0.0',
    status: 'active',
    servers: [
      { server: 'warehouse', type: 'duckdb', database: 'warehouse.duckdb' },
    ],
    schema: [
      {
        name: table,
        properties: [
          { name: 'id', logicalType: 'integer', primaryKey: true },
          {
            name: 'email',
            logicalType: 'string',
            classification: 'restricted',
          },
        ],
      },
    ],
  });

const DATA_MESH = 'datamesh-portal.io/v1alpha1';
const SECRET_PURPOSE = 'The general ledger of the group: every booking made.';

const docs = [
  { kind: 'Group', metadata: { name: 'crm' } },
  { kind: 'Group', metadata: { name: 'finance' } },
  {
    apiVersion: DATA_MESH,
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'crm' },
  },
  {
    apiVersion: DATA_MESH,
    kind: 'DataProduct',
    metadata: { name: 'customers', title: 'Customers', tags: ['crm'] },
    spec: {
      owner: 'crm',
      domain: 'sales',
      status: 'active',
      type: 'source-aligned',
      purpose: 'Every customer of the web shop, deduplicated.',
      classification: 'confidential',
      personalData: true,
      outputPorts: [
        {
          name: 'table',
          type: 'table',
          version: '1.0.0',
          contract: 'customers-contract',
        },
      ],
    },
  },
  {
    apiVersion: DATA_MESH,
    kind: 'DataProduct',
    metadata: { name: 'ledger', labels: { secret: 'true' } },
    spec: {
      owner: 'crm',
      domain: 'sales',
      status: 'active',
      purpose: SECRET_PURPOSE,
      classification: 'restricted',
      inputPorts: [
        {
          name: 'customers',
          dataProduct: 'customers',
          outputPort: 'table',
          contract: 'customers-contract',
        },
      ],
      outputPorts: [
        { name: 'bookings', type: 'table', contract: 'ledger-contract' },
      ],
    },
  },
  {
    kind: 'API',
    metadata: { name: 'customers-contract' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'crm',
      definition: contract('customers', 'customers'),
    },
  },
  {
    kind: 'API',
    metadata: { name: 'ledger-contract', labels: { secret: 'true' } },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'crm',
      definition: contract('ledger', 'bookings'),
    },
  },
];

/** The customers contract without its email column, as a minor version: a breaking change. */
const withoutEmail = (() => {
  const doc = YAML.parse(contract('customers', 'customers'));
  doc.version = '1.1.0';
  doc.schema[0].properties = doc.schema[0].properties.slice(0, 1);
  return doc;
})();

/** A draft product for check-data-product, reading `upstream` on an input port. */
const draft = (upstream: string) => ({
  apiVersion: DATA_MESH,
  kind: 'DataProduct',
  metadata: { name: 'churn' },
  spec: {
    owner: 'finance',
    domain: 'sales',
    status: 'draft',
    purpose: 'Which customers are likely to leave, by month.',
    classification: 'internal',
    inputPorts: [{ name: 'in', dataProduct: upstream, outputPort: 'table' }],
  },
});

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

/** An assistant connected to the portal's MCP endpoint with a person's token. */
async function connect(
  backend: TestBackend,
  user: string,
  authorization = mockCredentials.user.header(user),
) {
  const { port } = backend.server.address() as AddressInfo;
  const client = new Client({ name: 'test-assistant', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://localhost:${port}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: { Authorization: authorization },
        },
      },
    ),
  );
  const call = async (name: string, args: object) =>
    (await client.callTool({
      name: `data-mesh.${name}`,
      arguments: args as Record<string, unknown>,
    })) as ToolResult;
  return {
    client,
    call,
    /** The tool's output; fails with the tool's error text when it refused. */
    async output(name: string, args: object) {
      const result = await call(name, args);
      if (result.isError) {
        throw new Error(`${name} failed: ${result.content[0]?.text}`);
      }
      return result.structuredContent;
    },
    /** The error text of a call that must fail. */
    async error(name: string, args: object) {
      const result = await call(name, args);
      if (!result.isError) {
        throw new Error(
          `${name} did not fail: ${JSON.stringify(result.structuredContent)}`,
        );
      }
      return result.content.map(c => c.text).join('\n');
    },
  };
}

describe.each(databases.eachSupportedId())(
  'the data mesh actions over MCP, on %s',
  databaseId => {
    let backend: TestBackend;
    let database: RouteTestDatabase;
    const warehouse = join(directory.path, `${databaseId}.duckdb`);
    let ada: Awaited<ReturnType<typeof connect>>;
    let bob: Awaited<ReturnType<typeof connect>>;
    let mallory: Awaited<ReturnType<typeof connect>>;
    const portal = dataMeshApi(() => backend, ADA);

    beforeAll(async () => {
      const instance = await DuckDBInstance.create(warehouse);
      const connection = await instance.connect();
      await connection.run(
        'CREATE TABLE customers (id INTEGER, email VARCHAR)',
      );
      await connection.run(
        "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM range(30) t(i)",
      );
      await connection.run('CREATE TABLE bookings (id INTEGER, email VARCHAR)');
      connection.closeSync();
      instance.closeSync();
      database = await routeTestDatabase(databases, databaseId);
      backend = await startRouteTestBackend({
        catalog: docs,
        kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
        config: {
          backend: {
            ...(database.config.backend as JsonObject),
            actions: { pluginSources: ['data-mesh'] },
          },
        },
        dataMesh: {
          servers: { warehouse: { type: 'duckdb', path: warehouse } },
          scorecards: {
            schedule: QUIET_SCHEDULE,
            levels: ['bronze'],
            defaultChecks: false,
            checks: [
              {
                id: 'has-purpose',
                title: 'Purpose is documented',
                level: 'bronze',
                rule: 'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
                remediation: 'Write spec.purpose: what the data is for.',
              },
            ],
          },
          governance: {
            defaultPolicies: false,
            policies: [
              {
                id: 'no-restricted-upstream',
                title: 'Reads no restricted product',
                rule: "upstream.all(u, u.spec.classification != 'restricted')",
                remediation: 'Read a less sensitive product instead.',
              },
            ],
            waivers: { schedule: QUIET_SCHEDULE },
          },
          access: { schedule: QUIET_SCHEDULE },
        },
        features: [
          mcpActionsPlugin,
          // A request without a token is anonymous, as in production.
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          userInfo,
          permissions,
          notificationsStub().factory,
        ],
      });
      const asAda = mockCredentials.user.header(ADA);
      await waitForRelation(backend, 'customers', 'providesApi', asAda);
      await waitForRelation(backend, 'ledger', 'dependsOn', asAda);
      await evaluateProducts(backend, ['customers', 'ledger'], asAda);
      [ada, bob, mallory] = await Promise.all(
        [ADA, BOB, MALLORY].map(user => connect(backend, user)),
      );
    });

    afterAll(async () => {
      await Promise.all([ada, bob, mallory].map(c => c?.client.close()));
      await backend?.stop();
      await database?.destroy();
    });

    it('lists the data mesh tools, each described, read-only ones marked', async () => {
      const { tools } = await bob.client.listTools();
      const ours = tools.filter(tool => tool.name.startsWith('data-mesh.'));
      expect(ours.map(tool => tool.name).sort()).toEqual([
        'data-mesh.check-data-product',
        'data-mesh.explain-contract-change',
        'data-mesh.get-data-product',
        'data-mesh.preview-data',
        'data-mesh.request-data-access',
        'data-mesh.search-data-products',
      ]);
      for (const tool of ours) {
        expect(tool.description!.length).toBeGreaterThan(200);
        expect(tool.inputSchema.type).toBe('object');
      }
      const byName = new Map(ours.map(tool => [tool.name, tool]));
      expect(
        byName.get('data-mesh.search-data-products')!.annotations,
      ).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(
        byName.get('data-mesh.request-data-access')!.annotations,
      ).toMatchObject({ readOnlyHint: false, destructiveHint: false });
      expect(
        byName.get('data-mesh.get-data-product')!.inputSchema.required,
      ).toEqual(['productRef']);
    });

    it('finds, reads, is refused a preview, asks for access and, once approved, reads rows', async () => {
      // Search: the explorer's text and filters.
      const found = await bob.output('search-data-products', {
        query: 'customer',
        classification: ['confidential'],
      });
      expect(found).toMatchObject({
        totalCount: 1,
        items: [
          {
            entityRef: 'dataproduct:default/customers',
            title: 'Customers',
            ownerRef: 'group:default/crm',
            domainRef: 'domain:default/sales',
            score: 100,
            level: 'bronze',
            compliant: true,
          },
        ],
      });
      expect(found.nextOffset).toBeUndefined();

      // The product: descriptor, ports, contract schema, scorecard, governance, tests.
      const product = await bob.output('get-data-product', {
        productRef: found.items[0].entityRef,
      });
      expect(product.descriptor.metadata.name).toBe('customers');
      expect(product.outputPorts).toEqual([
        {
          name: 'table',
          type: 'table',
          version: '1.0.0',
          contractRef: 'api:default/customers-contract',
          approval: 'owners',
        },
      ]);
      expect(product.contracts).toEqual([
        expect.objectContaining({
          contractRef: 'api:default/customers-contract',
          ports: ['table'],
          version: '1.0.0',
          objects: [
            {
              name: 'customers',
              properties: [
                { path: 'id', logicalType: 'integer', primaryKey: true },
                {
                  path: 'email',
                  logicalType: 'string',
                  classification: 'restricted',
                },
              ],
            },
          ],
        }),
      ]);
      expect(product.scorecard).toMatchObject({
        score: 100,
        level: 'bronze',
        checks: [
          {
            id: 'has-purpose',
            title: 'Purpose is documented',
            outcome: 'pass',
          },
        ],
      });
      expect(product.governance).toMatchObject({ compliant: true });
      expect(product.contractTests.contracts).toEqual([
        expect.objectContaining({
          contractRef: 'api:default/customers-contract',
        }),
      ]);

      // No agreement yet: refused, told what to do.
      expect(
        await bob.error('preview-data', {
          productRef: 'customers',
          outputPort: 'table',
        }),
      ).toBe(
        'NotAllowedError: Only the owners of dataproduct:default/customers and members of a consumer with an active agreement on its port table may preview its data: request access to the port first',
      );

      // Bob asks for access for his team, as the portal's form would.
      const requested = await bob.output('request-data-access', {
        productRef: 'dataproduct:default/customers',
        outputPort: 'table',
        consumerRef: 'group:default/finance',
        purpose: 'Monthly churn reporting for the finance team',
      });
      expect(requested).toMatchObject({
        productRef: 'dataproduct:default/customers',
        outputPort: 'table',
        consumerRef: 'group:default/finance',
        state: 'requested',
        requestedBy: BOB,
      });
      // Still refused until the owners decide.
      expect(
        await bob.error('preview-data', {
          productRef: 'customers',
          outputPort: 'table',
        }),
      ).toMatch(/^NotAllowedError: Only the owners/);
      // Asking twice is refused with the open request's id.
      expect(
        await bob.error('request-data-access', {
          productRef: 'customers',
          outputPort: 'table',
          consumerRef: 'group:default/finance',
          purpose: 'Monthly churn reporting for the finance team',
        }),
      ).toContain(requested.id);

      // The owner approves it in the portal (a second identity).
      const approved = await portal.post(
        `/access-requests/${requested.id}/approve`,
        { comment: 'Fine for churn reporting' },
      );
      expect(approved.status).toBe(200);
      expect(approved.body.state).toBe('active');

      // Now the rows, restricted values masked for a consumer.
      const preview = await bob.output('preview-data', {
        productRef: 'customers',
        outputPort: 'table',
        limit: 2,
      });
      expect(preview).toEqual({
        productRef: 'dataproduct:default/customers',
        outputPort: 'table',
        server: 'warehouse',
        agreementId: requested.id,
        tables: [
          {
            name: 'customers',
            columns: [
              { name: 'id', type: 'INTEGER' },
              { name: 'email', type: 'VARCHAR' },
            ],
            rows: [
              [0, null],
              [1, null],
            ],
            truncated: true,
            masked: ['email'],
          },
        ],
      });
    });

    it('checks a draft descriptor with the template and CLI engine, nothing stored', async () => {
      const verdict = await ada.output('check-data-product', {
        descriptor: YAML.stringify(draft('ledger')),
      });
      expect(verdict.entityRef).toBe('dataproduct:default/churn');
      expect(verdict.scorecard).toMatchObject({ score: 100 });
      expect(verdict.governance).toEqual({
        compliant: false,
        results: [
          expect.objectContaining({
            id: 'no-restricted-upstream',
            title: 'Reads no restricted product',
            outcome: 'fail',
            blocking: true,
            remediation: 'Read a less sensitive product instead.',
          }),
        ],
      });
      const clean = await ada.output('check-data-product', {
        descriptor: draft('customers'),
      });
      expect(clean.governance.compliant).toBe(true);
      expect(clean.scorecard).toMatchObject({ score: 100, level: 'bronze' });
      // Nothing stored: the draft is no product.
      expect(
        (await ada.output('search-data-products', { query: 'churn' }))
          .totalCount,
      ).toBe(0);
    });

    it('explains a contract change: what breaks, and whom it affects', async () => {
      // After the flow above, finance has an active agreement on the customers table.
      const [{ id: agreementId }] = (
        await portal.get('/access-requests?state=active')
      ).body.items;
      const explained = await ada.output('explain-contract-change', {
        contractRef: 'api:default/customers-contract',
        definition: YAML.stringify(withoutEmail),
      });
      expect(explained).toMatchObject({
        contractRef: 'api:default/customers-contract',
        currentVersion: '1.0.0',
        proposedVersion: '1.1.0',
        required: 'major',
        declared: 'minor',
        covered: false,
        breaking: true,
        changes: [
          expect.objectContaining({
            rule: 'property-removed',
            severity: 'breaking',
          }),
        ],
      });
      expect(explained.consumers).toEqual([
        {
          entityRef: 'dataproduct:default/ledger',
          kind: 'input-port',
          port: 'customers',
          owners: ['group:default/crm'],
        },
        {
          entityRef: 'group:default/finance',
          kind: 'agreement',
          port: 'table',
          productRef: 'dataproduct:default/customers',
          agreementId,
          owners: ['group:default/finance'],
        },
      ]);
      // The same contract as an object, and a compatible change.
      const compatible = await bob.output('explain-contract-change', {
        contractRef: 'customers-contract',
        definition: {
          ...withoutEmail,
          schema: YAML.parse(contract('c', 'customers')).schema,
        },
      });
      expect(compatible).toMatchObject({ breaking: false, changes: [] });
    });

    describe('a caller who may not read a product gets nothing about it', () => {
      const unknownProduct = (name: string) =>
        `NotFoundError: No entity dataproduct:default/${name}`;

      it('is not found, listed or counted, as if it did not exist', async () => {
        // Ada sees it, Mallory does not.
        expect(
          (await ada.output('search-data-products', { query: 'ledger' }))
            .totalCount,
        ).toBe(1);
        expect(
          await mallory.output('search-data-products', { query: 'ledger' }),
        ).toEqual({ items: [], totalCount: 0, limit: 25, offset: 0 });
        const all = await mallory.output('search-data-products', {});
        expect(all.items.map((i: any) => i.entityRef)).toEqual([
          'dataproduct:default/customers',
        ]);
        expect(all.totalCount).toBe(1);

        // Every action answers as for a product that does not exist.
        const answers = async (name: string) => [
          await mallory.error('get-data-product', { productRef: name }),
          await mallory.error('preview-data', {
            productRef: name,
            outputPort: 'bookings',
          }),
          await mallory.error('request-data-access', {
            productRef: name,
            outputPort: 'bookings',
            consumerRef: 'user:default/mallory',
            purpose: 'Reading the bookings of the whole group',
          }),
        ];
        const hidden = await answers('ledger');
        expect(hidden).toEqual(
          (await answers('no-such-product')).map(text =>
            text.replace(/no-such-product/g, 'ledger'),
          ),
        );
        expect(hidden[0]).toBe(unknownProduct('ledger'));
        expect(
          await mallory.error('explain-contract-change', {
            contractRef: 'api:default/ledger-contract',
            definition: contract('ledger', 'bookings'),
          }),
        ).toBe('NotFoundError: No entity api:default/ledger-contract');
        // A consumer of a contract Mallory may read is left out when she may not read it.
        const { consumers } = await mallory.output('explain-contract-change', {
          contractRef: 'api:default/customers-contract',
          definition: withoutEmail,
        });
        expect(consumers.map((c: any) => c.entityRef)).toEqual([
          'group:default/finance',
        ]);
        expect(hidden.join('\n')).not.toMatch(/general ledger|restricted/);
      });

      it('does not reach a draft through its input ports', async () => {
        const asMallory = await mallory.output('check-data-product', {
          descriptor: draft('ledger'),
        });
        // For Ada the ledger is restricted upstream data; Mallory's verdict cannot tell.
        expect(asMallory.governance.compliant).toBe(true);
        expect(JSON.stringify(asMallory)).not.toContain(SECRET_PURPOSE);
      });
    });

    describe('bad input gets an error naming the field', () => {
      it.each([
        ['search-data-products', { limit: 1000 }, 'limit'],
        ['search-data-products', { status: ['sunny'] }, 'status'],
        ['search-data-products', { domain: ['domain:default/'] }, 'domain'],
        ['search-data-products', { owner: 'crm' }, 'owner'],
        ['get-data-product', {}, 'productRef'],
        [
          'get-data-product',
          { productRef: 'dataproduct:default/' },
          'productRef',
        ],
        [
          'get-data-product',
          { productRef: 'api:default/customers-contract' },
          'productRef',
        ],
        ['check-data-product', { descriptor: 'a: [' }, 'descriptor'],
        [
          'check-data-product',
          { descriptor: { ...draft('customers'), spec: { owner: 'crm' } } },
          'spec',
        ],
        [
          'check-data-product',
          { descriptor: draft('customers'), facts: { 'not a source': {} } },
          'facts',
        ],
        [
          'explain-contract-change',
          { contractRef: 'api:default/customers-contract' },
          'definition',
        ],
        [
          'explain-contract-change',
          {
            contractRef: 'api:default/customers-contract',
            definition: 'kind: DataContract',
          },
          'definition',
        ],
        [
          'explain-contract-change',
          {
            contractRef: 'api:default/customers-contract',
            definition: { ...withoutEmail, version: 'soon' },
          },
          'definition.version',
        ],
        [
          'explain-contract-change',
          { contractRef: 'api:default/', definition: withoutEmail },
          'contractRef',
        ],
        [
          'explain-contract-change',
          {
            contractRef: 'dataproduct:default/customers',
            definition: withoutEmail,
          },
          'contractRef',
        ],
        ['preview-data', { productRef: 'customers' }, 'outputPort'],
        [
          'preview-data',
          { productRef: 'customers', outputPort: 'table', limit: 101 },
          'limit',
        ],
        [
          'request-data-access',
          {
            productRef: 'customers',
            outputPort: 'table',
            consumerRef: 'group:default/finance',
          },
          'purpose',
        ],
        [
          'request-data-access',
          {
            productRef: 'customers',
            outputPort: 'nope',
            consumerRef: 'group:default/finance',
            purpose: 'Monthly churn reporting for the finance team',
          },
          'outputPort',
        ],
        [
          'request-data-access',
          {
            productRef: 'customers',
            outputPort: 'table',
            consumerRef: 'group:default/finance',
            purpose: 'Monthly churn reporting for the finance team',
            until: 'tomorrow',
          },
          'until',
        ],
      ])('%s (case %#) names %s', async (tool, args, field) => {
        const text = await bob.error(tool, args);
        // Ours say "<field>: <problem>"; the registry's schema check lists the zod issues,
        // each with the path of its field.
        expect(
          text.startsWith(`InputError: ${field}`) ||
            (text.startsWith('InputError: Invalid input to action') &&
              new RegExp(`"path": \\[\\s*"${field}"`).test(text)),
        ).toBe(true);
      });
    });

    it("refuses a request over the MCP endpoint's 100 kB limit, saying so", async () => {
      const big = {
        ...withoutEmail,
        description: { purpose: 'x'.repeat(150_000) },
      };
      await expect(
        ada.call('explain-contract-change', {
          contractRef: 'customers-contract',
          definition: big,
        }),
      ).rejects.toThrow(/request entity too large.*"limit":102400/);
    });

    it('refuses without a token, and a service token may not act for a person', async () => {
      const { port } = backend.server.address() as AddressInfo;
      const anonymous = new Client({ name: 'anonymous', version: '1.0.0' });
      await expect(
        anonymous.connect(
          new StreamableHTTPClientTransport(
            new URL(`http://localhost:${port}/api/mcp-actions/v1`),
          ),
        ),
      ).rejects.toThrow(/401/);

      const service = await connect(
        backend,
        'a pipeline',
        mockCredentials.service.header(),
      );
      try {
        const args = { productRef: 'customers', outputPort: 'table' };
        expect(await service.error('preview-data', args)).toBe(
          'NotAllowedError: Only a signed-in user may preview data; this call was made with a service token',
        );
        expect(
          await service.error('request-data-access', {
            ...args,
            consumerRef: 'group:default/finance',
            purpose: 'Monthly churn reporting for the finance team',
          }),
        ).toMatch(/^NotAllowedError: Only a signed-in user may request access/);
      } finally {
        await service.client.close();
      }
    });
  },
);
