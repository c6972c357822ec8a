import { serializeError } from '@backstage/errors';
import {
  DataProductEntityV1alpha1,
  isDataProductEntity,
  isValidDataProductEntity,
} from './DataProductEntityV1alpha1';
import { MAX_PROBLEMS, Problem } from '../validation/problems';

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

/** The error the validator throws for an entity. */
function errorOf(entity: unknown): Error & { problems: Problem[] } {
  try {
    isValidDataProductEntity(entity);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return error as Error & { problems: Problem[] };
  }
  throw new Error('The entity was accepted');
}

/** The problems of an entity, each as `field: message`; the error's message joins them. */
function problemsOf(entity: unknown): string[] {
  const { message, problems } = errorOf(entity);
  const lines = problems.map(p => `${p.field}: ${p.message}`);
  expect(message).toBe(lines.join('; '));
  return lines;
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
    expect(errorOf({ ...product(), spec }).problems).toEqual([
      { field: 'spec.owner', message: 'is required' },
    ]);
    expect(errorOf(product({ status: 'live' as any })).problems).toEqual([
      {
        field: 'spec.status',
        message:
          'must be one of proposed, draft, active, deprecated, retired, got "live"',
      },
    ]);
    expect(problemsOf(product({ personalData: 'yes' as any }))).toEqual([
      'spec.personalData: must be a boolean, got "yes"',
    ]);
    expect(
      problemsOf(product({ slos: { availability: '99' as any } })),
    ).toEqual(['spec.slos.availability: must be a number, got "99"']);
    expect(problemsOf(product({ outputPorts: {} as any }))).toEqual([
      'spec.outputPorts: must be an array, got an object',
    ]);
    expect(problemsOf(product({ owner: '' }))).toEqual([
      'spec.owner: must not be empty',
    ]);
  });

  it('lists the known fields of the object an unknown field is in', () => {
    expect(problemsOf(product({ owners: 'group:x' } as any))).toEqual([
      'spec.owners: is not a known field (known: owner, domain, status, type, version, purpose, usage, limitations, classification, personalData, inputPorts, outputPorts, slos, support, system, deprecation, odps)',
    ]);
    expect(
      problemsOf(
        product({
          outputPorts: [{ name: 'orders', type: 'table', format: 'x' } as any],
        }),
      ),
    ).toEqual([
      'spec.outputPorts[0].format: is not a known field (known: name, type, version, description, contract, contractId, deprecated, access, odps)',
    ]);
  });

  it('describes the patterns it knows in words', () => {
    expect(
      problemsOf(
        product({ outputPorts: [{ name: 'Bad Name!', type: 'table' }] }),
      ),
    ).toEqual([
      'spec.outputPorts[0].name: must be a name of letters and digits with single - _ or . between them, got "Bad Name!"',
    ]);
    expect(problemsOf(product({ slos: { freshness: '24 hours' } }))).toEqual([
      'spec.slos.freshness: must be an ISO-8601 duration such as PT24H, got "24 hours"',
    ]);
    expect(
      problemsOf(product({ deprecation: { sunset: 'next year' } })),
    ).toEqual([
      'spec.deprecation.sunset: must be a date such as 2027-06-30, got "next year"',
    ]);
  });

  it('reports limits of numbers and lengths', () => {
    expect(problemsOf(product({ slos: { availability: 120 } }))).toEqual([
      'spec.slos.availability: must be <= 100, got 120',
    ]);
    expect(problemsOf(product({ slos: { availability: -1 } }))).toEqual([
      'spec.slos.availability: must be >= 0, got -1',
    ]);
    const long = 'a'.repeat(64);
    expect(
      problemsOf(product({ outputPorts: [{ name: long, type: 'table' }] })),
    ).toEqual([
      `spec.outputPorts[0].name: must NOT have more than 63 characters, got "${long}"`,
    ]);
  });

  it('cuts long values short in messages', () => {
    const long = 'x'.repeat(200);
    expect(problemsOf(product({ status: long as any }))).toEqual([
      `spec.status: must be one of proposed, draft, active, deprecated, retired, got "${'x'.repeat(
        79,
      )}…"`,
    ]);
  });

  it('reports every problem at once, one message each', () => {
    const { owner, ...spec } = product({
      status: 'live' as any,
      personalData: 'yes' as any,
      slos: { freshness: '24 hours', availability: 120 },
      outputPorts: [{ name: 'orders', type: 'spreadsheet' as any }],
    }).spec;
    expect(problemsOf({ ...product(), spec })).toEqual([
      'spec.owner: is required',
      'spec.status: must be one of proposed, draft, active, deprecated, retired, got "live"',
      'spec.personalData: must be a boolean, got "yes"',
      'spec.outputPorts[0].type: must be one of table, view, topic, file, api, dashboard, model, other, got "spreadsheet"',
      'spec.slos.freshness: must be an ISO-8601 duration such as PT24H, got "24 hours"',
      'spec.slos.availability: must be <= 100, got 120',
    ]);
  });

  it('reports a missing or malformed spec', () => {
    const { spec, ...withoutSpec } = product();
    expect(problemsOf(withoutSpec)).toEqual(['spec: is required']);
    expect(problemsOf({ ...product(), spec: [] })).toEqual([
      'spec: must be an object, got an array',
    ]);
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
    ).toEqual([
      'spec.owner: "group:" is not a valid entity reference',
      'spec.domain: "domain:/sales" is not a valid entity reference',
      'spec.system: ":orders" is not a valid entity reference',
      'spec.inputPorts[0].dataProduct: "x:y/" is not a valid entity reference',
      'spec.inputPorts[0].contract: "api:" is not a valid entity reference',
      'spec.outputPorts[0].contract: "default/" is not a valid entity reference',
      'spec.deprecation.replacedBy: "dataproduct:" is not a valid entity reference',
    ]);
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
    ).toEqual([
      'spec.inputPorts[1].name: "events" is used by another input port',
      'spec.outputPorts[2].name: "orders" is used by another output port',
    ]);
    expect(
      isValidDataProductEntity(
        product({
          inputPorts: [{ name: 'orders' }],
          outputPorts: [{ name: 'orders', type: 'table' }],
        }),
      ),
    ).toBe(true);
  });

  it('refuses more than 100 input or output ports, naming the field', () => {
    const ports = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        name: `port-${i}`,
        type: 'table' as const,
      }));
    expect(
      problemsOf(
        product({
          inputPorts: ports(101).map(({ name }) => ({ name })),
          outputPorts: ports(5000),
        }),
      ),
    ).toEqual([
      'spec.inputPorts: must have at most 100 ports',
      'spec.outputPorts: must have at most 100 ports',
    ]);
    expect(
      isValidDataProductEntity(
        product({
          inputPorts: ports(100).map(({ name }) => ({ name })),
          outputPorts: ports(100),
        }),
      ),
    ).toBe(true);
  });

  it('accepts support URLs with http, https and mailto only, naming the field of the others', () => {
    const support = (...urls: string[]) =>
      product({
        support: urls.map((url, i) => ({ channel: `channel-${i}`, url })),
      });
    expect(
      isValidDataProductEntity(
        support(
          'https://chat.example.com/sales-data',
          'HTTP://wiki.example.com/sales',
          'mailto:sales-data@example.com',
        ),
      ),
    ).toBe(true);
    expect(
      problemsOf(
        support(
          // eslint-disable-next-line no-script-url -- the URL under test
          'javascript:alert(document.cookie)',
          ' JavaScript:alert(1)',
          'java\tscript:alert(1)',
          'data:text/html,<script>alert(1)</script>',
          'file:///etc/passwd',
          '/relative/help',
          'https://chat.example.com',
        ),
      ),
    ).toEqual([
      'spec.support[0].url: "javascript:alert(document.cookie)" is not an absolute http, https or mailto URL',
      'spec.support[1].url: " JavaScript:alert(1)" is not an absolute http, https or mailto URL',
      'spec.support[2].url: "java\\tscript:alert(1)" is not an absolute http, https or mailto URL',
      'spec.support[3].url: "data:text/html,<script>alert(1)</script>" is not an absolute http, https or mailto URL',
      'spec.support[4].url: "file:///etc/passwd" is not an absolute http, https or mailto URL',
      'spec.support[5].url: "/relative/help" is not an absolute http, https or mailto URL',
    ]);
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

  it('reports a bounded list quickly for a hostile descriptor', () => {
    const huge = 'x'.repeat(1_000_000);
    const hostile = product({
      status: huge as any,
      // Thousands of unknown fields with long names, and as many ports of bad values.
      ...(Object.fromEntries(
        Array.from({ length: 5_000 }, (_, i) => [`${'y'.repeat(500)}${i}`, i]),
      ) as any),
      outputPorts: Array.from({ length: 5_000 }, (_, i) => ({
        name: i === 0 ? `${huge}!` : 'Bad Name!',
        type: 'spreadsheet' as any,
        contract: 7 as any,
      })),
    });
    const started = Date.now();
    const { message, problems } = errorOf(hostile);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[MAX_PROBLEMS - 1]).toEqual({
      field: '',
      message: expect.stringMatching(/^and \d+ more problems$/),
    });
    for (const { field, message: text } of problems) {
      expect(field.length).toBeLessThanOrEqual(200);
      expect(text.length).toBeLessThanOrEqual(1000);
    }
    // Ajv reports the unknown fields first; their names are cut short.
    expect(problems[0]).toEqual({
      field: `spec.${'y'.repeat(79)}…`,
      message: expect.stringMatching(/^is not a known field/),
    });
    expect(message.length).toBeLessThan(MAX_PROBLEMS * 1_300);
  });

  it('keeps its problems through serializeError, as the error body carries them', () => {
    const error = errorOf(product({ status: 'live' as any }));
    expect(serializeError(error)).toMatchObject({
      name: 'InputError',
      message: error.message,
      problems: [
        {
          field: 'spec.status',
          message:
            'must be one of proposed, draft, active, deprecated, retired, got "live"',
        },
      ],
    });
  });
});
