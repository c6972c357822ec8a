import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import fc from 'fast-check';
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

describe('entityRefKey of a string', () => {
  const parsed = (ref: string) => {
    try {
      return stringifyEntityRef(parseEntityRef(ref));
    } catch (error) {
      return `throws ${(error as Error).message}`;
    }
  };
  const keyed = (ref: string) => {
    try {
      return entityRefKey(ref);
    } catch (error) {
      return `throws ${(error as Error).message}`;
    }
  };

  it('is the ref itself when it is a key already, as parsing it would give', () => {
    for (const ref of [
      'dataproduct:default/orders',
      'group:default/team-a',
      'api:sales/orders-contract',
      'a:b/c',
      'kind:ns:with:colons/name/with/slashes:and:colons',
    ]) {
      expect(entityRefKey(ref)).toBe(ref);
      expect(entityRefKey(ref)).toBe(parsed(ref));
    }
  });

  it('gives what parsing gives for any text', () => {
    const part = fc.stringMatching(/^[a-zA-Z0-9:/_.\-ΣσςİıßÅ ]{0,6}$/);
    fc.assert(
      fc.property(fc.tuple(part, part, part), ([a, b, c]) => {
        for (const ref of [a, `${a}:${b}`, `${a}/${b}`, `${a}:${b}/${c}`]) {
          expect(keyed(ref)).toBe(parsed(ref));
        }
      }),
      { numRuns: 500 },
    );
  });
});
