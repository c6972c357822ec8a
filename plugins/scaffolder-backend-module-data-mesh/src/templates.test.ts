import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  isValidDataMeshDomainEntity,
  isValidDataProductEntity,
  parseOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  createContractCreateAction,
  createGovernanceCheckAction,
  createProductDeprecateAction,
  createProductDescriptorAction,
  createPublishLocalAction,
  createProvisionOutputPortsAction,
  createRunContractTestsAction,
} from './actions';
import { scaffolderModuleDataMesh } from './module';
// The real data mesh backend answers the templates' governance checks.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import dataMeshPlugin from '@datamesh-portal/plugin-data-mesh-backend';

const templatesDir = path.resolve(__dirname, '../../../examples/templates');
const TEMPLATES = [
  'new-data-product',
  'new-domain',
  'deprecate-data-product',
] as const;

/** The built-in actions of the scaffolder backend and its GitHub module, as installed. */
const BUILT_IN_ACTIONS = [
  'catalog:fetch',
  'catalog:register',
  'catalog:write',
  'debug:log',
  'debug:wait',
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template',
  'fetch:template:file',
  'fs:delete',
  'fs:readdir',
  'fs:rename',
  'publish:github',
  'publish:github:pull-request',
];

const ourActions = (() => {
  const catalog = catalogServiceMock();
  const auth = mockServices.auth();
  return [
    createProductDescriptorAction({ catalog, auth }),
    createContractCreateAction(),
    createGovernanceCheckAction({
      discovery: mockServices.discovery(),
      auth,
    }),
    createProductDeprecateAction({ catalog, auth }),
    createPublishLocalAction({ catalog, auth }),
    createProvisionOutputPortsAction({
      discovery: mockServices.discovery(),
      auth,
    }),
    createRunContractTestsAction({
      discovery: mockServices.discovery(),
      auth,
      catalog,
    }),
  ];
})();

function readTemplate(name: string): Entity & { spec: any } {
  return YAML.parse(
    fs.readFileSync(path.join(templatesDir, name, 'template.yaml'), 'utf8'),
  );
}

describe('example templates', () => {
  it('are all listed by examples/templates/all.yaml', () => {
    const location = YAML.parse(
      fs.readFileSync(path.join(templatesDir, 'all.yaml'), 'utf8'),
    );
    expect(location.kind).toBe('Location');
    expect(location.spec.targets).toEqual(
      TEMPLATES.map(name => `./${name}/template.yaml`),
    );
  });

  describe.each(TEMPLATES)('%s', name => {
    const template = readTemplate(name);

    it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
      expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
      expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    });

    it('uses actions that exist, with inputs they take', () => {
      const problems = template.spec.steps.flatMap((step: any) => {
        const ours = ourActions.find(a => a.id === step.action);
        if (!ours) {
          return BUILT_IN_ACTIONS.includes(step.action)
            ? []
            : [`${step.id}: no action ${step.action}`];
        }
        const schema = ours.schema!.input as {
          properties: Record<string, unknown>;
          required?: string[];
        };
        const given = Object.keys(step.input ?? {});
        return [
          ...given
            .filter(key => !(key in schema.properties))
            .map(key => `${step.id}: ${step.action} takes no input ${key}`),
          ...(schema.required ?? [])
            .filter(key => !given.includes(key))
            .map(key => `${step.id}: ${step.action} needs input ${key}`),
        ];
      });
      expect(problems).toEqual([]);
    });
  });

  it('check governance before they publish', () => {
    const steps: Array<{ action: string }> =
      readTemplate('new-data-product').spec.steps;
    const order = steps.map(s => s.action);
    expect(order).toEqual([
      'fetch:template',
      'data-mesh:product:descriptor',
      'data-mesh:contract:create',
      'data-mesh:governance:check',
      'data-mesh:provision-output-ports',
      'data-mesh:publish:local',
      'data-mesh:contract-tests:run',
    ]);
  });
});

/** The draft products the fake data mesh backend evaluated, and for whom. */

const catalogEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sales-data', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'sales', namespace: 'default' },
    spec: { owner: 'group:sales-data' },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'customer-orders',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location':
          'file:/portal/examples/sales/products.yaml',
        'backstage.io/managed-by-origin-location':
          'file:/portal/examples/all.yaml',
      },
    },
    spec: {
      owner: 'group:sales-data',
      domain: 'sales',
      status: 'active',
      outputPorts: [
        { name: 'orders', type: 'table', contract: 'customer-orders-contract' },
      ],
    },
  },
];

/** Every file of a template directory, as the template editor sends them with a dry run. */
function directoryContents(name: string) {
  const root = path.join(templatesDir, name);
  const files: Array<{ path: string; base64Content: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else {
        files.push({
          path: path.relative(root, file).split(path.sep).join('/'),
          base64Content: fs.readFileSync(file).toString('base64'),
        });
      }
    }
  };
  walk(root);
  return files;
}

describe('example templates in the scaffolder dry run', () => {
  const publishDir = createMockDirectory();
  const lakeDir = createMockDirectory();
  let backend: TestBackend;
  let baseUrl: string;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleDataMesh,
        // The real data mesh backend, with its default policies, answers the dry runs.
        dataMeshPlugin,
        catalogServiceMock.factory({ entities: catalogEntities }),
        // The mock user is a member of the sales team, which may create its tables.
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: BackstageCredentials) {
              const user = (credentials.principal as { userEntityRef: string })
                .userEntityRef;
              return {
                userEntityRef: user,
                ownershipEntityRefs: [user, 'group:default/sales-data'],
              };
            },
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            dataMesh: {
              scaffolder: { localPublishDirectory: publishDir.path },
              servers: {
                lake: { type: 'duckdb', path: lakeDir.resolve('lake.duckdb') },
              },
              provisioning: { servers: { lake: { domains: ['sales'] } } },
            },
          },
        }),
      ],
    });
    const address = backend.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://localhost:${address.port}`;
  }, 60_000);

  afterAll(() => backend?.stop());
  /** What the governance check logged: its verdict, warnings and drafts. */
  const governanceLog = (body: any): string[] =>
    ((body.log ?? []) as any[])
      // Log lines carry the level, coloured: keep the message.
      .map(entry =>
        String(entry.body?.message ?? '')
          // eslint-disable-next-line no-control-regex
          .replace(/\u001b\[\d+m/g, '')
          .replace(/^\w+: /, ''),
      )
      .filter(message => /Governance dry run|Warning:/.test(message));

  async function dryRun(name: string, values: Record<string, unknown>) {
    const response = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${mockCredentials.user.token()}`,
      },
      body: JSON.stringify({
        template: readTemplate(name),
        values,
        secrets: {},
        directoryContents: directoryContents(name),
      }),
    });
    const body = await response.json();
    const files = Object.fromEntries(
      ((body.directoryContents ?? []) as any[]).map(f => [
        f.path,
        Buffer.from(f.base64Content, 'base64').toString('utf8'),
      ]),
    );
    return { status: response.status, body, files };
  }

  const newProduct = {
    name: 'customer-lifetime-value',
    title: 'Customer Lifetime Value',
    description: 'Predicted lifetime value of every customer.',
    domain: 'domain:default/sales',
    owner: 'group:default/sales-data',
    type: 'consumer-aligned',
    status: 'draft',
    version: '0.1.0',
    tags: ['customers'],
    classification: 'confidential',
    personalData: true,
    purpose: 'Rank customers by predicted value for retention campaigns.',
    usage: 'Join on customer_id.',
    outputPorts: [
      {
        name: 'scores',
        type: 'table',
        description: 'One row per customer',
        columns: [
          { name: 'customer_id', type: 'string', primaryKey: true },
          { name: 'value', type: 'number', description: 'Predicted value' },
          { name: 'scored_at', type: 'timestamp', required: true },
        ],
      },
      {
        name: 'segments',
        type: 'view',
        columns: [{ name: 'segment', type: 'string' }],
      },
    ],
    inputPorts: [{ dataProduct: 'dataproduct:default/customer-orders' }],
    freshness: 'P1D',
    availability: 99.5,
    support: [{ channel: 'chat', url: 'https://chat.example.com/sales-data' }],
  };

  it('creates a governed data product, checked before it is published', async () => {
    const { status, body, files } = await dryRun(
      'new-data-product',
      newProduct,
    );

    expect({ status, error: body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    const [product, ...apis] = YAML.parseAllDocuments(
      files['catalog-info.yaml'],
    ).map(doc => doc.toJS());
    expect(isValidDataProductEntity(product)).toBe(true);
    expect(product.metadata.annotations).toEqual({
      'backstage.io/techdocs-ref': 'dir:.',
    });
    expect(product.spec).toMatchObject({
      owner: 'group:sales-data',
      domain: 'sales',
      slos: { freshness: 'P1D', availability: 99.5 },
      inputPorts: [
        {
          name: 'customer-orders-orders',
          dataProduct: 'customer-orders',
          outputPort: 'orders',
          contract: 'customer-orders-contract',
        },
      ],
      outputPorts: [
        { name: 'scores', contract: 'customer-lifetime-value-scores-contract' },
        {
          name: 'segments',
          contract: 'customer-lifetime-value-segments-contract',
        },
      ],
    });
    // Each port's API reads the contract written beside it, a valid ODCS document.
    expect(apis.map(api => api.spec.definition.$text)).toEqual([
      './contracts/scores.odcs.yaml',
      './contracts/segments.odcs.yaml',
    ]);
    const scores = parseOdcsContract(files['contracts/scores.odcs.yaml']);
    expect(scores.schema![0].properties!.map(p => p.name)).toEqual([
      'customer_id',
      'value',
      'scored_at',
    ]);
    expect(scores.domain).toBe('sales');
    parseOdcsContract(files['contracts/segments.odcs.yaml']);

    // The governance check ran on the draft, before anything was published.
    expect(governanceLog(body)).toEqual([
      expect.stringMatching(
        /^Governance dry run of dataproduct:default\/customer-lifetime-value: score [\d.]+, level \w+, compliant$/,
      ),
    ]);

    // TechDocs, README and CI, rendered.
    expect(YAML.parse(files['mkdocs.yml'])).toMatchObject({
      site_name: 'Customer Lifetime Value',
      plugins: ['techdocs-core'],
    });
    expect(files['docs/index.md']).toContain(
      '| `scores` | table | One row per customer | `contracts/scores.odcs.yaml` |\n| `segments` | view |',
    );
    expect(files['docs/index.md']).toContain(
      '| --- | --- | --- | --- |\n| `scores` |',
    );
    expect(files['README.md']).toContain('**sales** domain');
    expect(files['README.md']).toContain(
      '\n- `scores` (table): One row per customer, contract in `contracts/scores.odcs.yaml`\n' +
        '- `segments` (view): no description yet, contract in `contracts/segments.odcs.yaml`\n',
    );
    if (process.env.DUMP_TEMPLATE_OUTPUT) {
      for (const [file, text] of Object.entries(files)) {
        const target = path.join(process.env.DUMP_TEMPLATE_OUTPUT, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text as string);
      }
    }
    const workflow = YAML.parse(files['.github/workflows/data-product.yaml']);
    expect(workflow.env).toEqual({
      ENTITY_REF: 'dataproduct:default/customer-lifetime-value',
      PORTAL_URL: '${{ vars.PORTAL_URL }}',
      DATA_MESH_TOKEN: '${{ secrets.DATA_MESH_TOKEN }}',
    });
    expect(
      workflow.jobs.governance.steps.map((s: any) => s.run).filter(Boolean),
    ).toEqual([
      'npx --yes --package @datamesh-portal/data-mesh-cli data-mesh-check catalog-info.yaml --url "$PORTAL_URL"',
    ]);
    const push = workflow.jobs.quality.steps.find((s: any) =>
      s.run?.includes('/api/data-mesh/facts'),
    );
    expect(push.env).toEqual({
      PASSED: '${{ steps.tests.outputs.passed }}',
      FAILED: '${{ steps.tests.outputs.failed }}',
    });

    // Links to the entity and the repository-to-be.
    expect(body.output.links).toEqual([
      {
        title: 'Open the data product',
        icon: 'catalog',
        entityRef: 'dataproduct:default/customer-lifetime-value',
      },
      {
        title: 'Repository',
        url: `file://${publishDir.path}/customer-lifetime-value`,
      },
    ]);
    // Nothing is measured yet (contract tests, freshness): a new product starts low.
    expect(body.output.text[0].content).toContain(
      '**Score** 61.1, **level** bronze, **compliant** true.',
    );
    // A dry run publishes nothing.
    expect(fs.readdirSync(publishDir.path)).toEqual([]);
  });

  it('plans the tables on the chosen server, and creates none in a dry run', async () => {
    const { status, body, files } = await dryRun('new-data-product', {
      ...newProduct,
      tables: { server: 'lake', ddl: 'CREATE TABLE ...' },
    });
    expect({ status, error: body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    const log = ((body.log ?? []) as any[]).map(entry =>
      String(entry.body?.message ?? ''),
    );
    expect(log.join('\n')).toContain(
      'CREATE TABLE "sales"."customer_lifetime_value_scores"',
    );
    expect(log.join('\n')).toContain(
      'Dry run: the contract tests of dataproduct:default/customer-lifetime-value would run now',
    );
    // A dry run only plans: the contract is as data-mesh:contract:create wrote it.
    const scores = YAML.parse(files['contracts/scores.odcs.yaml']);
    expect(scores.servers).toBeUndefined();
    expect(body.output.text[1]).toEqual({
      title: 'Tables',
      content: expect.stringContaining(
        '**Created** on server `lake`, schema `sales`: "sales"."customer_lifetime_value_scores", "sales"."customer_lifetime_value_segments".',
      ),
    });
  });

  it('refuses personal data classified public on the form, naming the field', async () => {
    const { status, body } = await dryRun('new-data-product', {
      ...newProduct,
      classification: 'public',
    });

    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({
        property: 'instance.classification',
        message: 'is not one of enum values: confidential,restricted',
      }),
    ]);
    expect(fs.readdirSync(publishDir.path)).toEqual([]);
  });

  it('stops a non-compliant product before anything is published', async () => {
    const { status, body } = await dryRun('new-data-product', {
      ...newProduct,
      domain: 'domain:default/no-such-domain',
    });

    expect(status).toBe(400);
    expect(body.error.message).toContain(
      'dataproduct:default/customer-lifetime-value is not compliant: 1 enforced governance policy fails, nothing was published.\n' +
        '- policy domain-exists: failed. Fix: Set spec.domain to a Domain of the catalog, or register that domain first.',
    );
    expect(fs.readdirSync(publishDir.path)).toEqual([]);
  });

  it('creates a domain', async () => {
    const { status, body, files } = await dryRun('new-domain', {
      name: 'customer-analytics',
      title: 'Customer "Analytics"',
      owner: 'group:default/sales-data',
      parentDomain: 'domain:default/sales',
      dataSteward: 'user:default/jane',
    });

    expect({ status, error: body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    const domain = YAML.parse(files['catalog-info.yaml']);
    expect(isValidDataMeshDomainEntity(domain)).toBe(true);
    expect(domain).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: 'customer-analytics', title: 'Customer "Analytics"' },
      spec: {
        owner: 'group:default/sales-data',
        subdomainOf: 'domain:default/sales',
        dataSteward: 'user:default/jane',
      },
    });
    expect(files['README.md']).toContain('# Customer "Analytics"');
    expect(body.output.links[0].entityRef).toBe(
      'domain:default/customer-analytics',
    );
  });

  it('creates a top-level domain without the optional fields', async () => {
    const { status, files } = await dryRun('new-domain', {
      name: 'logistics',
      owner: 'group:default/sales-data',
    });

    expect(status).toBe(200);
    expect(YAML.parse(files['catalog-info.yaml'])).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: 'logistics' },
      spec: { owner: 'group:default/sales-data' },
    });
  });

  it('deprecates a data product and shows the change', async () => {
    const { status, body, files } = await dryRun('deprecate-data-product', {
      product: 'dataproduct:default/customer-orders',
      sunset: '2999-12-31',
      replacedBy: 'dataproduct:default/customer-orders-v2',
    });

    expect({ status, error: body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    const changed = YAML.parse(files['catalog-info.yaml']);
    expect(changed.spec).toMatchObject({
      status: 'deprecated',
      deprecation: { sunset: '2999-12-31', replacedBy: 'customer-orders-v2' },
    });
    expect(changed.metadata).toEqual({ name: 'customer-orders' });
    expect(governanceLog(body)).toEqual([
      expect.stringMatching(
        /^Governance dry run of dataproduct:default\/customer-orders: .*, compliant$/,
      ),
    ]);
    const text = body.output.text[0].content;
    expect(text).toContain('`file:/portal/examples/sales/products.yaml`');
    expect(text).toContain(`\`\`\`yaml\n${files['catalog-info.yaml']}\n\`\`\``);
  });
});
