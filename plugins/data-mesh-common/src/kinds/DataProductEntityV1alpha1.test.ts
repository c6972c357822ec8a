import {
  DataProductEntityV1alpha1,
  isDataProductEntity,
  isValidDataProductEntity,
} from './DataProductEntityV1alpha1';

function product(
  spec: Partial<DataProductEntityV1alpha1['spec']> = {},
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'customer-orders', title: 'Customer Orders' },
    spec: {
      owner: 'group:sales-data',
      domain: 'sales',
      status: 'active',
      type: 'source-aligned',
      classification: 'confidential',
      personalData: true,
      inputPorts: [
        {
          name: 'order-events',
          dataProduct: 'order-events',
          outputPort: 'events',
        },
      ],
      outputPorts: [
        { name: 'orders', type: 'table', contract: 'customer-orders-contract' },
      ],
      slos: { freshness: 'PT24H', availability: 99.9 },
      deprecation: { sunset: '2027-06-30', replacedBy: 'customer-orders-v2' },
      ...spec,
    },
  };
}

describe('DataProduct kind', () => {
  it('accepts a complete product', () => {
    expect(isValidDataProductEntity(product())).toBe(true);
  });

  it('leaves other kinds and apiVersions to other validators', () => {
    expect(isValidDataProductEntity({ ...product(), kind: 'Component' })).toBe(
      false,
    );
    expect(
      isValidDataProductEntity({
        ...product(),
        apiVersion: 'backstage.io/v1alpha1',
      }),
    ).toBe(false);
    expect(isDataProductEntity({ ...product(), kind: 'Component' })).toBe(
      false,
    );
    expect(isDataProductEntity(product())).toBe(true);
  });

  it('refuses a product without an owner, naming the field', () => {
    const { owner, ...spec } = product().spec;
    expect(() => isValidDataProductEntity({ ...product(), spec })).toThrow(
      /owner/,
    );
  });

  it('refuses an unknown status, naming the field', () => {
    expect(() =>
      isValidDataProductEntity(product({ status: 'live' as any })),
    ).toThrow(/status/);
  });

  it('refuses an output port of an unknown type and an invalid freshness', () => {
    expect(() =>
      isValidDataProductEntity(
        product({
          outputPorts: [{ name: 'orders', type: 'spreadsheet' as any }],
        }),
      ),
    ).toThrow(/outputPorts/);
    expect(() =>
      isValidDataProductEntity(product({ slos: { freshness: '24 hours' } })),
    ).toThrow(/freshness/);
  });

  it('refuses fields it does not know, so typos are caught', () => {
    expect(() =>
      isValidDataProductEntity(product({ owners: 'group:x' } as any)),
    ).toThrow(/owners/);
  });
});
