import { Entity } from '@backstage/catalog-model';
import { entityRefKey } from './entityRefKey';

describe('entityRefKey', () => {
  const entity: Entity = {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'Orders', namespace: 'Sales' },
  };

  it('is the lowercase kind:namespace/name of an entity', () => {
    expect(entityRefKey(entity)).toBe('dataproduct:sales/orders');
    expect(entityRefKey({ ...entity, metadata: { name: 'Orders' } })).toBe(
      'dataproduct:default/orders',
    );
  });

  it('is the same key for a compound ref and a string', () => {
    expect(
      entityRefKey({ kind: 'DataProduct', namespace: 'Sales', name: 'Orders' }),
    ).toBe('dataproduct:sales/orders');
    expect(entityRefKey('DataProduct:Sales/Orders')).toBe(
      'dataproduct:sales/orders',
    );
    expect(entityRefKey('Group:Platform')).toBe('group:default/platform');
  });

  it('takes a missing kind and namespace from the defaults', () => {
    expect(
      entityRefKey('Orders', {
        defaultKind: 'DataProduct',
        defaultNamespace: 'Sales',
      }),
    ).toBe('dataproduct:sales/orders');
    expect(
      entityRefKey('domain:Finance', {
        defaultKind: 'Domain',
        defaultNamespace: 'sales',
      }),
    ).toBe('domain:sales/finance');
  });

  it('refuses a string that is no entity ref', () => {
    expect(() => entityRefKey('orders')).toThrow(/missing or empty kind/);
    expect(() => entityRefKey('')).toThrow(/must not be empty/);
  });
});
