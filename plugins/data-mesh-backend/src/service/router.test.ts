import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import { validateOdpsDocument } from '@datamesh-portal/plugin-data-mesh-common';
import request from 'supertest';
import YAML from 'yaml';
import { checkResponsesAgainstSpec } from '../__testUtils__/openApiResponses';
import { dataMeshPlugin } from '../plugin';

jest.setTimeout(60_000);

describe('GET /api/data-mesh/odps/:namespace/:name', () => {
  const dir = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    dir.setContent({
      'catalog-info.yaml': `
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata:
  name: customer-orders
  title: Customer Orders
  annotations: { datamesh-portal.io/odps-id: 7d5c2a4e-0b1f-4b8e-9f7a-3c2d1e0f9a8b }
spec:
  owner: group:sales-data
  domain: sales
  status: active
  version: 1.2.0
  purpose: Orders per customer, cleaned and deduplicated.
  outputPorts:
    - { name: orders, type: table, version: 1.0.0, contractId: customer-orders-v1 }
`,
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDataMesh,
        dataMeshPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['DataProduct', 'Location'] }],
              locations: [
                { type: 'file', target: dir.resolve('catalog-info.yaml') },
              ],
            },
          },
        }),
      ],
    });
    checkResponsesAgainstSpec(backend.server);
    for (let i = 0; i < 100; i++) {
      const res = await request(backend.server)
        .get(
          '/api/catalog/entities/by-name/dataproduct/default/customer-orders',
        )
        .set('Authorization', mockCredentials.user.header());
      if (res.status === 200) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  });

  afterAll(() => backend?.stop());

  const expected = {
    apiVersion: 'v1.0.0',
    kind: 'DataProduct',
    id: '7d5c2a4e-0b1f-4b8e-9f7a-3c2d1e0f9a8b',
    name: 'Customer Orders',
    version: '1.2.0',
    status: 'active',
    domain: 'sales',
    team: { name: 'sales-data' },
    description: { purpose: 'Orders per customer, cleaned and deduplicated.' },
    outputPorts: [
      {
        name: 'orders',
        type: 'table',
        version: '1.0.0',
        contractId: 'customer-orders-v1',
      },
    ],
  };

  it('returns the product as a valid ODPS v1.0.0 document in JSON', async () => {
    const res = await request(backend.server)
      .get('/api/data-mesh/odps/default/customer-orders')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.body).toEqual(expected);
    expect(validateOdpsDocument(res.body).errors).toEqual([]);
  });

  it('returns YAML when asked for it', async () => {
    const res = await request(backend.server)
      .get('/api/data-mesh/odps/default/customer-orders')
      .set('Accept', 'application/yaml')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/yaml');
    expect(YAML.parse(res.text)).toEqual(expected);
  });

  it('answers 404 for a product that does not exist and 401 without credentials', async () => {
    const missing = await request(backend.server)
      .get('/api/data-mesh/odps/default/nope')
      .set('Authorization', mockCredentials.user.header());
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('No data product default/nope');

    const anonymous = await request(backend.server)
      .get('/api/data-mesh/odps/default/customer-orders')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
