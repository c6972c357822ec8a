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

/** The message of the error the validator throws for an entity. */
function problemsOf(entity: unknown): string {
  try {
    isValidDataProductEntity(entity);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return (error as Error).message;
  }
  throw new Error('The entity was accepted');
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

  it('reports a missing field, an unknown value and a wrong type in their exact words', () => {
    const { owner, ...spec } = product().spec;
    expect(problemsOf({ ...product(), spec })).toBe('spec.owner: is required');
    expect(problemsOf(product({ status: 'live' as any }))).toBe(
      'spec.status: "live" is not one of proposed, draft, active, deprecated, retired',
    );
    expect(problemsOf(product({ personalData: 'yes' as any }))).toBe(
      'spec.personalData: "yes" is a string, expected a boolean',
    );
    expect(problemsOf(product({ slos: { availability: '99' as any } }))).toBe(
      'spec.slos.availability: "99" is a string, expected a number',
    );
    expect(problemsOf(product({ outputPorts: {} as any }))).toBe(
      'spec.outputPorts: is an object, expected an array',
    );
    expect(problemsOf(product({ owner: '' }))).toBe(
      'spec.owner: must not be empty',
    );
  });

  it('lists the known fields of the object an unknown field is in', () => {
    expect(problemsOf(product({ owners: 'group:x' } as any))).toBe(
      'spec.owners: is not a known field (known: owner, domain, status, type, version, purpose, usage, limitations, classification, personalData, inputPorts, outputPorts, slos, support, system, deprecation, odps)',
    );
    expect(
      problemsOf(
        product({
          outputPorts: [{ name: 'orders', type: 'table', format: 'x' } as any],
        }),
      ),
    ).toBe(
      'spec.outputPorts[0].format: is not a known field (known: name, type, version, description, contract, contractId, deprecated, odps)',
    );
  });

  it('describes the patterns it knows in words', () => {
    expect(
      problemsOf(
        product({ outputPorts: [{ name: 'Bad Name!', type: 'table' }] }),
      ),
    ).toBe(
      'spec.outputPorts[0].name: "Bad Name!" is not a valid name (letters, digits and - _ . between them, at most 63 characters)',
    );
    expect(problemsOf(product({ slos: { freshness: '24 hours' } }))).toBe(
      'spec.slos.freshness: "24 hours" is not an ISO-8601 duration such as PT24H',
    );
    expect(problemsOf(product({ deprecation: { sunset: 'next year' } }))).toBe(
      'spec.deprecation.sunset: "next year" is not a date such as 2027-06-30',
    );
  });

  it('reports limits of numbers and lengths', () => {
    expect(problemsOf(product({ slos: { availability: 120 } }))).toBe(
      'spec.slos.availability: 120 is more than the maximum 100',
    );
    expect(problemsOf(product({ slos: { availability: -1 } }))).toBe(
      'spec.slos.availability: -1 is less than the minimum 0',
    );
    const long = 'a'.repeat(64);
    expect(
      problemsOf(product({ outputPorts: [{ name: long, type: 'table' }] })),
    ).toBe(`spec.outputPorts[0].name: "${long}" is longer than 63 characters`);
  });

  it('cuts long values short in messages', () => {
    const long = 'x'.repeat(200);
    expect(problemsOf(product({ status: long as any }))).toBe(
      `spec.status: "${'x'.repeat(
        79,
      )}…" is not one of proposed, draft, active, deprecated, retired`,
    );
  });

  it('reports every problem at once, one message each', () => {
    const { owner, ...spec } = product({
      status: 'live' as any,
      personalData: 'yes' as any,
      slos: { freshness: '24 hours', availability: 120 },
      outputPorts: [{ name: 'orders', type: 'spreadsheet' as any }],
    }).spec;
    expect(problemsOf({ ...product(), spec })).toBe(
      [
        'spec.owner: is required',
        'spec.status: "live" is not one of proposed, draft, active, deprecated, retired',
        'spec.personalData: "yes" is a string, expected a boolean',
        'spec.outputPorts[0].type: "spreadsheet" is not one of table, view, topic, file, api, dashboard, model, other',
        'spec.slos.freshness: "24 hours" is not an ISO-8601 duration such as PT24H',
        'spec.slos.availability: 120 is more than the maximum 100',
      ].join('; '),
    );
  });

  it('reports a missing or malformed spec', () => {
    const { spec, ...withoutSpec } = product();
    expect(problemsOf(withoutSpec)).toBe('spec: is required');
    expect(problemsOf({ ...product(), spec: [] })).toBe(
      'spec: is an array, expected an object',
    );
  });

  it('leaves the envelope to the catalog', () => {
    expect(
      isValidDataProductEntity({
        ...product(),
        metadata: { name: 'customer-orders', labels: { any: 'thing' } },
      }),
    ).toBe(true);
  });

  it('refuses malformed entity refs, naming each field', () => {
    expect(
      problemsOf(
        product({
          owner: 'group:',
          domain: 'domain:/sales',
          system: ':orders',
          inputPorts: [
            { name: 'a', dataProduct: 'x:y/', contract: 'api:' },
            { name: 'b', dataProduct: 'upstream' },
          ],
          outputPorts: [
            { name: 'orders', type: 'table', contract: 'default/' },
          ],
          deprecation: { replacedBy: 'dataproduct:' },
        }),
      ),
    ).toBe(
      [
        'spec.owner: "group:" is not a valid entity reference',
        'spec.domain: "domain:/sales" is not a valid entity reference',
        'spec.system: ":orders" is not a valid entity reference',
        'spec.inputPorts[0].dataProduct: "x:y/" is not a valid entity reference',
        'spec.inputPorts[0].contract: "api:" is not a valid entity reference',
        'spec.outputPorts[0].contract: "default/" is not a valid entity reference',
        'spec.deprecation.replacedBy: "dataproduct:" is not a valid entity reference',
      ].join('; '),
    );
  });

  it('accepts refs with and without kind and namespace', () => {
    expect(
      isValidDataProductEntity(
        product({
          owner: 'sales-data',
          domain: 'domain:finance/sales',
          system: 'system:default/orders-platform',
          inputPorts: [
            { name: 'a', dataProduct: 'default/order-events', contract: 'x' },
          ],
        }),
      ),
    ).toBe(true);
  });

  it('refuses two ports of the same name', () => {
    expect(
      problemsOf(
        product({
          inputPorts: [{ name: 'events' }, { name: 'events' }],
          outputPorts: [
            { name: 'orders', type: 'table' },
            { name: 'totals', type: 'view' },
            { name: 'orders', type: 'topic' },
          ],
        }),
      ),
    ).toBe(
      [
        'spec.inputPorts[1].name: "events" is used by another input port',
        'spec.outputPorts[2].name: "orders" is used by another output port',
      ].join('; '),
    );
    expect(
      isValidDataProductEntity(
        product({
          inputPorts: [{ name: 'orders' }],
          outputPorts: [{ name: 'orders', type: 'table' }],
        }),
      ),
    ).toBe(true);
  });

  it('leaves anything that is not an entity of its kind to others', () => {
    expect(isValidDataProductEntity(undefined)).toBe(false);
    expect(isValidDataProductEntity('DataProduct')).toBe(false);
    expect(
      isValidDataProductEntity({
        apiVersion: 'example.com/v1',
        kind: 'DataProduct',
        spec: 'anything',
      }),
    ).toBe(false);
  });
});
