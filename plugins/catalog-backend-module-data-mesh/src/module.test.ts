import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import request from 'supertest';
import YAML from 'yaml';
import { Problem, problemsOf } from '@datamesh-portal/plugin-data-mesh-common';
import { catalogModuleDataMesh } from './module';

jest.setTimeout(60_000);

const contract = (id: string, type = 'string') =>
  YAML.stringify({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id,
    version: '1.0.0',
    status: 'active',
    schema: [
      {
        name: 'orders',
        properties: [{ name: 'order_id', logicalType: type }],
      },
    ],
  });

const yamlDocs = (...docs: object[]) =>
  docs.map(doc => YAML.stringify(doc)).join('---\n');

const product = (name: string, spec: object) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
  spec: { owner: 'sales-data', domain: 'sales', status: 'active', ...spec },
});

const api = (name: string, definition: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name },
  spec: {
    type: 'odcs',
    lifecycle: 'production',
    owner: 'sales-data',
    definition,
  },
});

// The real catalog backend with this module: what a portal gets after the one-line install.
describe('catalogModuleDataMesh in the catalog', () => {
  const dir = createMockDirectory();
  const errors = new Map<string, string>();
  const problems = new Map<string, Problem[]>();
  // Collects processing errors per entity, as the logs module would log them.
  const errorCollector = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-errors',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.setOnProcessingErrorHandler(event => {
            const name = event.unprocessedEntity.metadata.name;
            errors.set(name, event.errors.map(e => e.message).join('\n'));
            // The catalog wraps a validator's error as the cause of its own.
            problems.set(
              name,
              event.errors.flatMap(
                e => problemsOf(e) ?? problemsOf(e.cause) ?? [],
              ),
            );
          });
        },
      });
    },
  });

  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const query = async (filter: string): Promise<Entity[]> => {
    const res = await request(backend.server)
      .get(`/api/catalog/entities/by-query?filter=${filter}&limit=100`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const waitFor = async <T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
  ): Promise<T> => {
    let value = await read();
    for (let i = 0; i < 150 && !done(value); i++) {
      await new Promise(resolve => setTimeout(resolve, 200));
      value = await read();
    }
    return value;
  };
  const byName = async (name: string) =>
    (await query(`metadata.name=${name}`))[0];

  beforeAll(async () => {
    dir.setContent({
      'valid.yaml': yamlDocs(
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: {
            owner: 'sales-data',
            policies: [
              {
                id: 'orders-tagged',
                enforcement: 'warn',
                rule: 'has(entity.metadata.tags)',
              },
            ],
          },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'sales-data' },
          spec: { type: 'team', children: [] },
        },
        product('order-events', {
          outputPorts: [
            { name: 'events', type: 'topic', contractId: 'order-events-v1' },
          ],
        }),
        product('customer-orders', {
          inputPorts: [
            {
              name: 'events',
              dataProduct: 'order-events',
              outputPort: 'events',
            },
          ],
          outputPorts: [
            {
              name: 'orders',
              type: 'table',
              contract: 'customer-orders-contract',
            },
          ],
        }),
        api('customer-orders-contract', contract('customer-orders-v1')),
        api('order-events-contract', contract('order-events-v1')),
      ),
      'invalid.yaml': yamlDocs(
        product('no-owner', { owner: undefined }),
        product('unknown-status', { status: 'live' }),
        product('port-without-name', { outputPorts: [{ type: 'table' }] }),
        product('wrong-types', { personalData: 'yes' }),
        product('malformed-ref', { owner: 'group:' }),
        product('unknown-field', { owners: 'sales-data' }),
        api('wrong-contract', contract('wrong-v1', 'varchar(3)')),
        api('huge-contract', 'x'.repeat(5 * 1024 * 1024)),
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'bad-policies' },
          spec: {
            owner: 'sales-data',
            policies: [{ id: 'broken', rule: "entity.spec.status == 'x' &&" }],
          },
        },
        // More policies than dataMesh.governance.maxPoliciesPerDomain (2 here).
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'crowded' },
          spec: {
            owner: 'sales-data',
            policies: ['a', 'b', 'c'].map(id => ({ id, rule: 'true' })),
          },
        },
        product('many-ports', {
          outputPorts: Array.from({ length: 101 }, (_, i) => ({
            name: `port-${i}`,
            type: 'table',
          })),
        }),
      ),
      // A plain ODPS document, registered as it is: its input port names the contract of
      // order-events' output port by ODCS id only.
      'order-analytics.odps.yaml': YAML.stringify({
        apiVersion: 'v1.0.0',
        kind: 'DataProduct',
        id: '5b3f6b5e-6a1f-4a7e-9a55-1d2c0c7e9a10',
        name: 'Order Analytics',
        status: 'active',
        domain: 'sales',
        team: { name: 'sales-data' },
        inputPorts: [
          { name: 'events', version: '1.0.0', contractId: 'order-events-v1' },
        ],
        outputPorts: [{ name: 'kpis', version: '1.0.0', type: 'tables' }],
      }),
    });

    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDataMesh,
        errorCollector,
        mockServices.rootConfig.factory({
          data: {
            dataMesh: { governance: { maxPoliciesPerDomain: 2 } },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [
                {
                  allow: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
                },
              ],
              locations: [
                'valid.yaml',
                'invalid.yaml',
                'order-analytics.odps.yaml',
              ].map(file => ({ type: 'file', target: dir.resolve(file) })),
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('accepts valid products with their owner, domain, lineage and contract relations', async () => {
    const orders = await waitFor(
      () => byName('customer-orders'),
      e => Boolean(e?.relations?.length),
    );
    expect(orders.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/sales-data' },
        { type: 'partOf', targetRef: 'domain:default/sales' },
        { type: 'dependsOn', targetRef: 'dataproduct:default/order-events' },
        {
          type: 'providesApi',
          targetRef: 'api:default/customer-orders-contract',
        },
      ]),
    );
    const domain = await byName('sales');
    expect(domain.apiVersion).toBe('datamesh-portal.io/v1alpha1');
    // The built-in processor owns the Domain's owner relation: it is there exactly once.
    expect(domain.relations?.filter(r => r.type === 'ownedBy')).toHaveLength(1);
  });

  it('records the ODCS id of every odcs API', async () => {
    const contractApi = await waitFor(
      () => byName('order-events-contract'),
      e => Boolean(e),
    );
    expect(
      contractApi.metadata.annotations?.['datamesh-portal.io/odcs-id'],
    ).toBe('order-events-v1');
  });

  it('turns a plain ODPS file into a product whose contract ids resolve to lineage', async () => {
    const analytics = await waitFor(
      () => byName('order-analytics'),
      e =>
        Boolean(
          e?.relations?.some(r => r.type === 'dependsOn') &&
            e?.relations?.some(r => r.type === 'consumesApi'),
        ),
    );
    expect(analytics.metadata.title).toBe('Order Analytics');
    expect(analytics.metadata.annotations?.['datamesh-portal.io/odps-id']).toBe(
      '5b3f6b5e-6a1f-4a7e-9a55-1d2c0c7e9a10',
    );
    expect(analytics.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/sales-data' },
        { type: 'dependsOn', targetRef: 'dataproduct:default/order-events' },
        { type: 'consumesApi', targetRef: 'api:default/order-events-contract' },
      ]),
    );
  });

  it.each([
    ['no-owner', 'spec.owner: is required'],
    [
      'unknown-status',
      'spec.status: must be one of proposed, draft, active, deprecated, retired, got "live"',
    ],
    ['port-without-name', 'spec.outputPorts[0].name: is required'],
    ['wrong-types', 'spec.personalData: must be a boolean, got "yes"'],
    ['malformed-ref', 'spec.owner: "group:" is not a valid entity reference'],
    ['unknown-field', 'spec.owners: is not a known field'],
    [
      'wrong-contract',
      'schema[0].properties[0].logicalType: must be one of string, date,',
    ],
    ['huge-contract', 'more than the 2.0 MB allowed'],
    ['bad-policies', 'spec.policies[0].rule: policy "broken": '],
    [
      'crowded',
      'spec.policies: has 3 policies, more than the limit of 2 (dataMesh.governance.maxPoliciesPerDomain)',
    ],
    ['many-ports', 'spec.outputPorts: must have at most 100 ports'],
  ])('refuses %s with an error naming the field', async (name, message) => {
    await waitFor(
      async () => errors.get(name),
      error => Boolean(error),
    );
    expect(errors.get(name)).toContain(message);
    expect(await byName(name)).toBeUndefined();
  });

  it("answers the catalog's validate-entity with the problems in the error body", async () => {
    const res = await request(backend.server)
      .post('/api/catalog/validate-entity')
      .set('Authorization', mockCredentials.user.header())
      .send({
        location: 'url:https://example.com/catalog-info.yaml',
        entity: product('draft', { status: 'live', personalData: 'yes' }),
      });
    expect(res.status).toBe(400);
    // The catalog wraps the processor's error; serializeError keeps it as the cause.
    expect(res.body.errors[0].cause).toMatchObject({
      name: 'InputError',
      problems: [
        {
          field: 'spec.status',
          message:
            'must be one of proposed, draft, active, deprecated, retired, got "live"',
        },
        { field: 'spec.personalData', message: 'must be a boolean, got "yes"' },
      ],
    });
  });

  it('keeps the problems as a list on the processing errors', async () => {
    await waitFor(
      async () => problems.get('wrong-types'),
      found => Boolean(found?.length),
    );
    expect(problems.get('wrong-types')).toEqual([
      { field: 'spec.personalData', message: 'must be a boolean, got "yes"' },
    ]);
    expect(problems.get('wrong-contract')).toEqual([
      {
        field: 'schema[0].properties[0].logicalType',
        message:
          'must be one of string, date, timestamp, time, number, integer, object, array, boolean, got "varchar(3)"',
      },
    ]);
    expect(problems.get('bad-policies')).toEqual([
      {
        field: 'spec.policies[0].rule',
        message: expect.stringMatching(/^policy "broken": /),
      },
    ]);
    // The size limit is no schema problem: the message alone says it.
    expect(problems.get('huge-contract')).toEqual([]);
  });

  it('keeps processing everything else after refusing bad input', async () => {
    expect(await byName('sales')).toMatchObject({
      spec: { policies: [{ id: 'orders-tagged' }] },
    });
    const products = await query('kind=dataproduct');
    expect(products.map(e => e.metadata.name).sort()).toEqual([
      'customer-orders',
      'order-analytics',
      'order-events',
    ]);
  });
});
