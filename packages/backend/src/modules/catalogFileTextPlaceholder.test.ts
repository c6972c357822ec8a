import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { catalogModuleFileTextPlaceholder } from './catalogFileTextPlaceholder';

describe('catalogModuleFileTextPlaceholder', () => {
  const dir = createMockDirectory();

  it('fills $text from a file next to a file-registered descriptor, and no further', async () => {
    dir.setContent({
      'secret.txt': 'not for the catalog',
      'apis/contracts/orders.odcs.yaml': 'kind: DataContract\n',
      'apis/catalog-info.yaml': `
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: orders-contract }
spec:
  type: odcs
  lifecycle: production
  owner: sales-data
  definition: { $text: ./contracts/orders.odcs.yaml }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: escaping-contract }
spec:
  type: odcs
  lifecycle: production
  owner: sales-data
  definition: { $text: ../secret.txt }
`,
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleFileTextPlaceholder,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['API', 'Location'] }],
              locations: [
                { type: 'file', target: dir.resolve('apis/catalog-info.yaml') },
              ],
            },
          },
        }),
      ],
    });

    try {
      let apis: Entity[] = [];
      for (let attempt = 0; attempt < 100 && apis.length === 0; attempt++) {
        await new Promise(resolve => setTimeout(resolve, 200));
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-query?filter=kind=api')
          .set('Authorization', mockCredentials.user.header());
        apis = res.body.items;
      }
      expect(apis.map(e => e.metadata.name)).toEqual(['orders-contract']);
      expect(apis[0].spec?.definition).toBe('kind: DataContract\n');
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
