import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  mockServicePipelines,
  TestBackend,
} from '../__testUtils__/backends';
import {
  QUIET_SCHEDULE,
  SALES_CATALOG,
  startRouteTestBackend,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(120_000);

const MAX_BODY_BYTES = 64 * 1024;

// A 400 names the field: the routes' own checks as `facts.ci: ...`, `facts[":"]: ...`,
// `spec.outputPorts[0].name: ...`; the OpenAPI router's as `request/body/facts/ci must ...`,
// `request/query/limit must ...` or `... query parameter 'limit'`; or it is about the body.
const PATH =
  /[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["([^"\\]|\\.)*"\])*/.source;
const SPEC_PATH = /request\/(body|query|params)(\/.*)? must /.source;
const QUERY_PARAMETER = /(Unknown|Empty value found for) query parameter '/
  .source;
const NAMES_A_FIELD = new RegExp(
  `^(${PATH}: \\S|${SPEC_PATH}|${QUERY_PARAMETER}|The (request )?body |Invalid ODPS)`,
);

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}$/);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const mostly = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyJson });
const entityRef = mostly(
  fc.oneof(
    fc.constantFrom(
      'dataproduct:default/orders',
      'orders',
      'group:default/sales-data',
      'dataproduct:default/nowhere',
      'dataproduct:',
      ':x',
    ),
    slug,
  ),
);
const source = mostly(
  fc.constantFrom(
    'ci',
    'dbt_tests',
    'catalog',
    'dbt-tests',
    'in',
    '',
    'x'.repeat(70),
  ),
);
const factValues = mostly(
  fc.dictionary(
    fc.constantFrom('testsFailed', 'passed', 'log', '__proto__'),
    fc.oneof(fc.integer(), fc.double(), anyJson),
    { maxKeys: 3 },
  ),
);
const timestamp = mostly(
  fc.oneof(
    fc.constantFrom(
      '2026-01-15T12:00:00Z',
      'yesterday',
      '9999-12-31T00:00:00Z',
      '',
    ),
    fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
  ),
);

const port = fc.record(
  {
    name: mostly(slug),
    type: mostly(fc.constantFrom('table', 'topic', 'sheet')),
    dataProduct: mostly(slug),
    contract: mostly(slug),
  },
  { requiredKeys: [] },
);
const draft = fc.record({
  apiVersion: mostly(fc.constant('datamesh-portal.io/v1alpha1')),
  kind: mostly(fc.constant('DataProduct')),
  metadata: mostly(fc.record({ name: mostly(slug) }, { requiredKeys: [] })),
  spec: mostly(
    fc.record(
      {
        owner: mostly(
          fc.constantFrom('sales-data', 'group:sales-data', 'group:'),
        ),
        domain: mostly(fc.constantFrom('sales', 'nowhere')),
        status: mostly(fc.constantFrom('active', 'draft', 'live')),
        personalData: mostly(fc.boolean()),
        classification: mostly(fc.constantFrom('public', 'restricted')),
        purpose: mostly(fc.string({ maxLength: 40 })),
        outputPorts: mostly(fc.array(port, { maxLength: 3 })),
        inputPorts: mostly(fc.array(port, { maxLength: 2 })),
        slos: mostly(fc.record({ availability: mostly(fc.double()) })),
      },
      { requiredKeys: [] },
    ),
  ),
});

const factsByGeneratedSource = mostly(
  fc.dictionary(source.map(String), factValues, { maxKeys: 3 }),
);

describe('the REST API, on generated requests', () => {
  let backend: TestBackend;
  const user = mockCredentials.user.header();
  const service = mockCredentials.service.header();

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: SALES_CATALOG,
      dataMesh: {
        api: { maxBodyBytes: MAX_BODY_BYTES },
        facts: { pipelines: mockServicePipelines('sales') },
        scorecards: {
          schedule: QUIET_SCHEDULE,
          checks: [
            {
              id: 'tests-pass',
              title: 'Contract tests pass',
              appliesTo: 'has(facts.ci)',
              rule: 'facts.ci.testsFailed == 0',
            },
          ],
        },
      },
    });
    await waitForRelation(backend, 'orders');
  });

  afterAll(() => backend?.stop());

  /**
   * A response in one line: `<status> ok` for a success whose body passes `ok`, else the
   * status, the type and the error message. A 400 names the field; nothing is a 5xx.
   */
  function answerOf(res: request.Response, ok: (body: any) => boolean) {
    if (res.status < 400) {
      return `${res.status} ${ok(res.body) ? 'ok' : JSON.stringify(res.body)}`;
    }
    return `${res.status} ${res.type} ${res.body?.error?.message}`;
  }
  const HANDLED = new RegExp(
    `^(2\\d\\d ok$|400 application/json ${NAMES_A_FIELD.source.slice(
      1,
    )}|4(0[1-9]|[1-9]\\d) application/json \\S)`,
  );

  /** Sends a body as JSON text, so that values such as `__proto__` keys arrive as they are. */
  const post = (path: string, body: unknown, auth = user) =>
    request(backend.server)
      .post(`/api/data-mesh${path}`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body) ?? 'null');

  it('answers every dry run with a verdict or a 400 naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record(
              { entity: draft, facts: factsByGeneratedSource },
              { requiredKeys: ['entity'] },
            ),
          },
          { weight: 1, arbitrary: anyJson },
        ),
        async body => {
          const res = await post('/evaluate', body);
          expect(
            answerOf(
              res,
              verdict =>
                typeof verdict.scorecard.score === 'number' &&
                typeof verdict.governance.compliant === 'boolean',
            ),
          ).toMatch(HANDLED);
        },
      ),
      {
        numRuns: 300,
        // Found by this property: a source named ":" was reported as `facts.:: ...`.
        examples: [
          [
            {
              entity: {
                apiVersion: 'datamesh-portal.io/v1alpha1',
                kind: 'DataProduct',
                metadata: {},
                spec: {},
              },
              facts: { ':': {} },
            },
          ],
        ],
      },
    );
  });

  it('stores every well-formed fact push and refuses the others with a 4xx naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record(
              { entityRef, source, facts: factValues, observedAt: timestamp },
              { requiredKeys: ['entityRef', 'source', 'facts'] },
            ),
          },
          { weight: 1, arbitrary: anyJson },
        ),
        async body => {
          const res = await post('/facts', body, service);
          expect(
            answerOf(
              res,
              stored => stored.entityRef === 'dataproduct:default/orders',
            ),
          ).toMatch(HANDLED);
        },
      ),
      {
        numRuns: 150,
        // A key named __proto__ in pushed values is data, not a prototype.
        examples: [
          [
            JSON.parse(
              '{"entityRef":"orders","source":"ci","facts":{"__proto__":{"x":1},"testsFailed":0}}',
            ),
          ],
        ],
      },
    );
  });

  it('creates a waiver request or refuses it with a 4xx naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record(
              {
                entityRef,
                policyId: mostly(
                  fc.constantFrom(
                    'personal-data-restricted',
                    'output-ports-have-contracts',
                    'nope',
                    '',
                  ),
                ),
                reason: mostly(
                  fc.oneof(
                    fc.string({ maxLength: 30 }),
                    fc.constant('x'.repeat(5000)),
                  ),
                ),
                expiresAt: timestamp,
              },
              { requiredKeys: [] },
            ),
          },
          { weight: 1, arbitrary: anyJson },
        ),
        async body => {
          const res = await post('/waivers', body);
          expect(answerOf(res, waiver => waiver.status === 'pending')).toMatch(
            HANDLED,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  const queryValue = fc.oneof(
    fc.constantFrom(
      '',
      'true',
      'false',
      'name',
      '-score',
      'active',
      'bronze',
      'none',
      '0',
      '25',
      '101',
      '-1',
      '1e3',
      '100001',
    ),
    fc.string({ maxLength: 8 }),
  );
  const queryString = fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'q',
          'domain',
          'owner',
          'status',
          'type',
          'classification',
          'personalData',
          'level',
          'compliant',
          'sort',
          'limit',
          'offset',
          'status[a]',
          'limit[]',
          'offset[0]',
        ),
        queryValue,
      ),
      { maxLength: 5 },
    )
    .map(pairs =>
      new URLSearchParams(pairs)
        .toString()
        .replace(/%5B/g, '[')
        .replace(/%5D/g, ']'),
    );

  it('answers every explorer query with a page or a 400 naming the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async query => {
        const res = await request(backend.server)
          .get(`/api/data-mesh/products?${query}`)
          .set('Authorization', user);
        expect(
          answerOf(
            res,
            page => page.limit <= 100 && page.items.length <= page.limit,
          ),
        ).toMatch(HANDLED);
      }),
      { numRuns: 300 },
    );
  });

  it('bounds limit and offset of every list route, naming the parameter', async () => {
    const routes = [
      ['/products', 100],
      ['/waivers', 500],
      ['/scorecards/dataproduct/default/orders/history', 1000],
    ] as const;
    const outOfRange = fc.oneof(
      fc.tuple(
        fc.constant('limit'),
        fc.oneof(
          fc.constantFrom('0', '-1', 'ten', '1.5', ''),
          fc.integer({ min: 1001, max: 1e9 }).map(String),
        ),
      ),
      fc.tuple(
        fc.constant('offset'),
        fc.oneof(
          fc.constantFrom('-1', 'x', '1.5', ''),
          fc.integer({ min: 100_001 }).map(String),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        outOfRange,
        async ([path], [name, value]) => {
          const res = await request(backend.server)
            .get(`/api/data-mesh${path}?${name}=${encodeURIComponent(value)}`)
            .set('Authorization', user);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(
            new RegExp(
              `^(request/query/${name} must be |Empty value found for query parameter '${name}')`,
            ),
          );
        },
      ),
      { numRuns: 60 },
    );
    for (const [path, max] of routes) {
      const over = await request(backend.server)
        .get(`/api/data-mesh${path}?limit=${max + 1}`)
        .set('Authorization', user);
      expect(over.body.error.message).toBe(
        `request/query/limit must be <= ${max}`,
      );
      const atMax = await request(backend.server)
        .get(`/api/data-mesh${path}?limit=${max}&offset=100000`)
        .set('Authorization', user);
      expect(atMax.status).toBe(200);
      expect(atMax.body.items).toEqual([]);
    }
  });

  it('pages history and waivers', async () => {
    // Each push changes the outcome of tests-pass, so each adds a history point.
    for (const testsFailed of [1, 0, 2, 0]) {
      const pushed = await post(
        '/facts',
        { entityRef: 'orders', source: 'ci', facts: { testsFailed } },
        service,
      );
      expect(pushed.status).toBe(201);
    }
    const history = async (query: string) =>
      (
        await request(backend.server)
          .get(
            `/api/data-mesh/scorecards/dataproduct/default/orders/history?${query}`,
          )
          .set('Authorization', user)
      ).body.items as Array<{ evaluatedAt: string }>;
    const all = await history('');
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(await history('limit=1')).toEqual(all.slice(-1));
    expect(await history('limit=1&offset=1')).toEqual(all.slice(-2, -1));

    const waivers = await request(backend.server)
      .get('/api/data-mesh/waivers?limit=1&offset=0')
      .set('Authorization', user);
    expect(waivers.status).toBe(200);
    expect(waivers.body).toMatchObject({ limit: 1, offset: 0 });
    expect(waivers.body.items.length).toBeLessThanOrEqual(1);
  });

  it('refuses a body over dataMesh.api.maxBodyBytes with 413 and malformed JSON with 400, on every route taking a body', async () => {
    const huge = JSON.stringify({
      entityRef: 'orders',
      source: 'ci',
      facts: { log: 'x'.repeat(MAX_BODY_BYTES) },
    });
    for (const path of [
      '/evaluate',
      '/facts',
      '/waivers',
      '/evaluate/dataproduct/default/orders',
      '/waivers/1/approve',
    ]) {
      const tooLarge = await request(backend.server)
        .post(`/api/data-mesh${path}`)
        .set('Authorization', user)
        .set('Content-Type', 'application/json')
        .send(huge);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error).toMatchObject({
        name: 'PayloadTooLargeError',
        message: `The request body of ${huge.length} bytes is larger than the limit of ${MAX_BODY_BYTES} bytes (dataMesh.api.maxBodyBytes)`,
      });

      const malformed = await request(backend.server)
        .post(`/api/data-mesh${path}`)
        .set('Authorization', user)
        .set('Content-Type', 'application/json')
        .send('{"entity": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toMatch(
        /^The request body is not valid JSON: /,
      );
    }
    // Just under the limit is read.
    const fits = await post(
      '/facts',
      {
        entityRef: 'orders',
        source: 'ci',
        facts: { log: 'x'.repeat(MAX_BODY_BYTES - 200) },
      },
      service,
    );
    expect(fits.status).toBe(201);
  });

  it('is still up after everything above', async () => {
    const health = await request(backend.server).get('/api/data-mesh/health');
    expect(health.status).toBe(200);
  });
});
