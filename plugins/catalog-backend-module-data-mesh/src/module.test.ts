import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { catalogModuleDataMesh } from './module';

// The real catalog backend with this module: what a portal gets after the one-line install.
describe('catalogModuleDataMesh in the catalog', () => {
  const dir = createMockDirectory();

  beforeAll(() => {
    dir.setContent({
      'catalog-info.yaml': `
apiVersion: datamesh-portal.io/v1alpha1
kind: Domain
metadata: { name: sales }
spec: { owner: sales-data }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sales-data }
spec: { type: team, children: [] }
---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: order-events }
spec: { owner: sales-data, domain: sales, status: active }
---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: customer-orders }
spec:
  owner: sales-data
  domain: sales
  status: active
  inputPorts: [{ name: events, dataProduct: order-events, outputPort: events }]
---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: broken-product }
spec: { owner: sales-data, domain: sales, status: live }
`,
    });
  });

  it('accepts DataProducts with their lineage and refuses an invalid one', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDataMesh,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                { allow: ['DataProduct', 'Domain', 'Group', 'Location'] },
              ],
              locations: [
                { type: 'file', target: dir.resolve('catalog-info.yaml') },
              ],
            },
          },
        }),
      ],
    });

    const query = async (filter: string): Promise<Entity[]> => {
      const res = await request(backend.server)
        .get(`/api/catalog/entities/by-query?filter=${filter}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return res.body.items;
    };

    try {
      let products: Entity[] = [];
      for (let attempt = 0; attempt < 100 && products.length < 2; attempt++) {
        await new Promise(resolve => setTimeout(resolve, 200));
        products = await query('kind=dataproduct');
      }
      expect(products.map(e => e.metadata.name).sort()).toEqual([
        'customer-orders',
        'order-events',
      ]);

      const orders = products.find(e => e.metadata.name === 'customer-orders')!;
      expect(orders.relations).toEqual(
        expect.arrayContaining([
          { type: 'dependsOn', targetRef: 'dataproduct:default/order-events' },
          { type: 'ownedBy', targetRef: 'group:default/sales-data' },
          { type: 'partOf', targetRef: 'domain:default/sales' },
        ]),
      );
      const [domain] = await query('kind=domain');
      expect(domain.apiVersion).toBe('datamesh-portal.io/v1alpha1');
    } finally {
      await backend.stop();
    }
  });
});
