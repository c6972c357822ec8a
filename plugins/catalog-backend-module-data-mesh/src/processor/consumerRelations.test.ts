import { processingResult } from '@backstage/plugin-catalog-node';
import { DataMeshEntitiesProcessor } from './DataMeshEntitiesProcessor';

/*
 * Active usage agreements become relations of their consumers, the same ones an input port
 * gives a product: the consumer consumesApi the port's contract and dependsOn the product (and
 * the reverse), so the Consumers card, the graph and the lineage show who reads what.
 */

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};
const product = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'customers', namespace: 'default' },
  spec: {
    owner: 'group:default/crm',
    outputPorts: [
      { name: 'table', type: 'table', contract: 'customers-contract' },
      { name: 'by-id', type: 'table', contractId: 'customers-v2' },
    ],
  },
};

const relationsOf = async (processor: DataMeshEntitiesProcessor) => {
  const emitted: unknown[] = [];
  await processor.postProcessEntity(product, location, r => emitted.push(r));
  return emitted;
};

const rel = (source: string, type: string, target: string) => {
  const [sk, sn] = source.split(':');
  const [tk, tn] = target.split(':');
  return processingResult.relation({
    source: { kind: sk, namespace: 'default', name: sn },
    type,
    target: { kind: tk, namespace: 'default', name: tn },
  });
};

describe('consumer relations of active agreements', () => {
  it('relates each consumer to the product and to its port contract', async () => {
    const asked: string[] = [];
    const processor = new DataMeshEntitiesProcessor({
      contracts: {
        findContract: async id =>
          id === 'customers-v2'
            ? { kind: 'api', namespace: 'default', name: 'customers-v2-api' }
            : undefined,
        findProvider: async () => undefined,
      },
      agreements: {
        activeOf: async ref => {
          asked.push(ref);
          return [
            { consumerRef: 'group:default/marketing', outputPort: 'table' },
            {
              consumerRef: 'component:default/churn-model',
              outputPort: 'by-id',
            },
            // A port the product no longer has: the product relation only.
            { consumerRef: 'group:default/finance', outputPort: 'gone' },
          ];
        },
      },
    });
    const emitted = await relationsOf(processor);
    expect(asked).toEqual(['dataproduct:default/customers']);
    expect(emitted).toEqual(
      expect.arrayContaining([
        rel('group:marketing', 'dependsOn', 'DataProduct:customers'),
        rel('DataProduct:customers', 'dependencyOf', 'group:marketing'),
        rel('group:marketing', 'consumesApi', 'API:customers-contract'),
        rel('API:customers-contract', 'apiConsumedBy', 'group:marketing'),
        rel('component:churn-model', 'consumesApi', 'api:customers-v2-api'),
        rel('api:customers-v2-api', 'apiConsumedBy', 'component:churn-model'),
        rel('group:finance', 'dependsOn', 'DataProduct:customers'),
      ]),
    );
    expect(emitted).not.toContainEqual(
      expect.objectContaining({
        relation: expect.objectContaining({
          source: expect.objectContaining({ name: 'finance' }),
          type: 'consumesApi',
        }),
      }),
    );
  });

  it('emits no consumer relations without agreements', async () => {
    const emitted = await relationsOf(
      new DataMeshEntitiesProcessor({
        agreements: { activeOf: async () => [] },
      }),
    );
    expect(JSON.stringify(emitted)).not.toContain('dependsOn');
  });
});
