import { parseDataMeshRef } from './refs';
import { DataProductEntityV1alpha1 } from './DataProductEntityV1alpha1';

describe('data mesh refs', () => {
  const product: DataProductEntityV1alpha1 = {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'analysis', namespace: 'finance' },
    spec: {
      owner: 'analytics',
      domain: 'group',
      status: 'active',
      inputPorts: [
        { name: 'a', dataProduct: 'bank-transactions' },
        { name: 'b', dataProduct: 'dataproduct:insurance/claims' },
        { name: 'c', description: 'from the core banking system' },
      ],
    },
  };

  it('defaults the kind per field and the namespace to the entity own', () => {
    expect(parseDataMeshRef('analytics', 'owner', product)).toEqual({
      kind: 'Group',
      namespace: 'finance',
      name: 'analytics',
    });
    expect(parseDataMeshRef('user:default/ada', 'owner', product)).toEqual({
      kind: 'user',
      namespace: 'default',
      name: 'ada',
    });
    expect(parseDataMeshRef('orders-contract', 'contract', product).kind).toBe(
      'API',
    );
  });
});
