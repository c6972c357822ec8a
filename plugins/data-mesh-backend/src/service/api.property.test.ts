import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_STATUSES,
  OUTPUT_PORT_TYPES,
} from '@datamesh-portal/plugin-data-mesh-common';
import fc from 'fast-check';
import request from 'supertest';
import { mockServicePipelines, TestBackend } from '../__testUtils__/backends';
import {
  RouteTestDatabase,
  routeTestDatabase,
} from '../__testUtils__/routeDatabases';
import {
  notificationsStub,
  QUIET_SCHEDULE,
  SALES_CATALOG,
  startRouteTestBackend,
  waitForRelation,
} from '../__testUtils__/routeTests';
import { DatabaseFactStore } from '../database/DatabaseFactStore';

jest.setTimeout(300_000);

/*
 * The REST API on generated requests: each generated request comes with the one answer it
 * must get, its status and, for a refusal, the message naming the field. Valid requests are
 * generated from their parts; each invalid one is a valid one with a single defect. What a
 * request stores is read back from the plugin's database.
 */

const MAX_BODY_BYTES = 64 * 1024;
const MAX_WAIVER_DAYS = 30;
const ORDERS = 'dataproduct:default/orders';
const PIPELINE = mockCredentials.service().principal.subject;

/** A request's expected answer: its status, and for a refusal its exact message or pattern. */
interface Expected {
  status: number;
  message?: string | RegExp;
}
/** A generated body with the answer it must get. */
interface Case<T = unknown> extends Expected {
  body: T;
}
type Body = Record<string, unknown>;

/**
 * Checks a response against its expected answer; `details` of a success body are compared
 * too, with `expected.details`.
 */
function expectAnswer(
  res: request.Response,
  expected: Expected & { details?: object },
  details: (body: any) => object = () => ({}),
) {
  const { message } = expected;
  expect({
    status: res.status,
    message: res.body?.error?.message,
    ...(res.status < 300 ? details(res.body) : {}),
  }).toEqual({
    status: expected.status,
    message:
      message instanceof RegExp ? expect.stringMatching(message) : message,
    ...expected.details,
  });
}

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}$/);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const jsonObject = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor'), fc.string()),
  anyJson,
  { maxKeys: 4 },
);
const notAnObject = fc.oneof(
  fc.integer(),
  fc.string(),
  fc.array(anyJson, { maxLength: 2 }),
  fc.constant(null),
  fc.boolean(),
);
// The orders product, named in every way the API accepts: the kind defaults to DataProduct,
// the namespace to default, and case does not matter.
const ordersRef = fc.constantFrom(
  'orders',
  'default/orders',
  'dataproduct:orders',
  ORDERS,
  'DataProduct:default/Orders',
);
const without = (body: Body, key: string) => {
  const { [key]: _, ...rest } = body;
  return rest;
};
const missing = (body: Body, key: string): Case<Body> => ({
  body: without(body, key),
  status: 400,
  message: `request/body must have required property '${key}'`,
});

/** Invalid fact sources, with the message each gets: `at` is the field, as the route names it. */
const BAD_SOURCES: Array<[string, (at: string) => string]> = [
  [
    ':',
    at =>
      `${at}: ":" is not an identifier (letters, digits and _, not starting with a digit)`,
  ],
  [
    'catalog',
    at =>
      `${at}: "catalog" is computed by the portal from the catalog; push under another name`,
  ],
  ['in', at => `${at}: "in" is a reserved word of the rule language`],
];

// Dry runs.
const port = fc.record({
  name: slug,
  type: fc.constantFrom(...OUTPUT_PORT_TYPES),
});
const draft = fc
  .record({
    name: slug.filter(name => name !== 'orders'),
    owner: fc.constantFrom(
      'sales-data',
      'group:sales-data',
      'group:default/sales-data',
    ),
    domain: fc.constantFrom('sales', 'nowhere'),
    status: fc.constantFrom(...DATA_PRODUCT_STATUSES),
    optional: fc.record(
      {
        personalData: fc.boolean(),
        classification: fc.constantFrom(...DATA_CLASSIFICATIONS),
        purpose: fc.string({ maxLength: 40 }),
        outputPorts: fc.uniqueArray(port, {
          selector: p => p.name,
          maxLength: 3,
        }),
        inputPorts: fc.uniqueArray(
          fc.record({ name: slug, dataProduct: slug }),
          { selector: p => p.name, maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ name, owner, domain, status, optional }) => ({
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name },
    spec: { owner, domain, status, ...optional },
  }));
const draftFacts = fc
  .record(
    {
      ci: fc.record({ testsFailed: fc.nat(3) }),
      others: fc.dictionary(
        fc.constantFrom('dbt_tests', 'quality', '_x1'),
        jsonObject,
        { maxKeys: 2 },
      ),
    },
    { requiredKeys: ['others'] },
  )
  .map(({ ci, others }) => (ci ? { ...others, ci } : others));

/** A valid dry run, with the outcomes it must get: of tests-pass and of domain-exists. */
const validDryRun = fc
  .record({ entity: draft, facts: draftFacts }, { requiredKeys: ['entity'] })
  .map(body => {
    const ci = (body.facts as { ci?: { testsFailed: number } } | undefined)?.ci;
    let testsPass = 'skipped';
    if (ci) testsPass = ci.testsFailed === 0 ? 'pass' : 'fail';
    return {
      body: body as Body,
      details: {
        testsPass,
        domainExists: body.entity.spec.domain === 'sales' ? 'pass' : 'fail',
      },
    };
  });

const entityOf = (body: Body) => body.entity as Body & { spec: Body };
const withEntity = (body: Body, entity: Body) => ({ ...body, entity });
const withSpec = (body: Body, spec: Body) =>
  withEntity(body, { ...entityOf(body), spec });

/** One defect of a valid dry run, with the answer it gets. */
const dryRunDefect: fc.Arbitrary<(body: Body) => Case> = fc.oneof(
  fc.constant((body: Body) => missing(body, 'entity')),
  notAnObject.map(value => (body: Body) => ({
    body: withEntity(body, value as never),
    status: 400,
    message: 'request/body/entity must be object',
  })),
  fc
    .constantFrom(
      { kind: 'Component' },
      { apiVersion: 'backstage.io/v1alpha1' },
    )
    .map(change => (body: Body) => ({
      body: withEntity(body, { ...entityOf(body), ...change }),
      status: 400,
      message:
        'entity: must be a DataProduct (apiVersion datamesh-portal.io/v1alpha1)',
    })),
  fc.constantFrom('owner', 'domain', 'status').map(field => (body: Body) => ({
    body: withSpec(body, without(entityOf(body).spec, field)),
    status: 400,
    message: `spec.${field}: is required`,
  })),
  fc.constant((body: Body) => ({
    body: withSpec(body, { ...entityOf(body).spec, status: 'live' }),
    status: 400,
    message: `spec.status: must be one of ${DATA_PRODUCT_STATUSES.join(
      ', ',
    )}, got "live"`,
  })),
  fc.constant((body: Body) => ({
    body: withSpec(body, { ...entityOf(body).spec, personalData: 'yes' }),
    status: 400,
    message: 'spec.personalData: must be a boolean, got "yes"',
  })),
  notAnObject.map(value => (body: Body) => ({
    body: { ...body, facts: value },
    status: 400,
    message: 'request/body/facts must be object',
  })),
  notAnObject.map(value => (body: Body) => ({
    body: { ...body, facts: { ci: value } },
    status: 400,
    message: 'request/body/facts/ci must be object',
  })),
  fc.constantFrom(...BAD_SOURCES).map(([source, message]) => (body: Body) => ({
    body: { ...body, facts: { [source]: {} } },
    status: 400,
    message: message(`facts[${JSON.stringify(source)}]`),
  })),
);

// Fact pushes.
const PUSH_SOURCES = ['ci', 'dbt_tests', 'Quality', '_x1', 'freshness'];
const pastDate = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date(Date.now() - 60_000),
  noInvalidDate: true,
});
const validPush = fc.record(
  {
    entityRef: ordersRef,
    source: fc.constantFrom(...PUSH_SOURCES),
    facts: jsonObject,
    observedAt: pastDate.map(date => date.toISOString()),
  },
  { requiredKeys: ['entityRef', 'source', 'facts'] },
);

/** One defect of a valid push, with the answer it gets. */
const pushDefect: fc.Arbitrary<(body: Body) => Case<Body>> = fc.oneof(
  fc
    .constantFrom('entityRef', 'source', 'facts')
    .map(key => (body: Body) => missing(body, key)),
  // Products outside the pipeline's scope (the sales domain), existing or not.
  fc
    .constantFrom('dataproduct:default/nowhere', 'group:default/sales-data')
    .map(entityRef => (body: Body) => ({
      body: { ...body, entityRef },
      status: 403,
      message: `Pipeline ${PIPELINE} may not push facts for ${entityRef}: no scope of dataMesh.facts.pipelines for its subject covers it`,
    })),
  fc.constantFrom('dataproduct:', ':x', '').map(entityRef => (body: Body) => ({
    body: { ...body, entityRef },
    status: 400,
    message: `entityRef: ${JSON.stringify(
      entityRef,
    )} is not a valid entity ref`,
  })),
  fc
    .constantFrom(...BAD_SOURCES.slice(1))
    .map(([source, message]) => (body: Body) => ({
      body: { ...body, source },
      status: 400,
      message: message('source'),
    })),
  fc
    .constantFrom<[unknown, string]>(
      ['dbt-tests', 'must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"'],
      ['', 'must NOT have fewer than 1 characters'],
      ['x'.repeat(65), 'must NOT have more than 64 characters'],
      [7, 'must be string'],
    )
    .map(([source, problem]) => (body: Body) => ({
      body: { ...body, source },
      status: 400,
      message: `request/body/source ${problem}`,
    })),
  notAnObject.map(facts => (body: Body) => ({
    body: { ...body, facts },
    status: 400,
    message: 'request/body/facts must be object',
  })),
  fc
    .constantFrom('yesterday', '', '2026-13-45')
    .map(observedAt => (body: Body) => ({
      body: { ...body, observedAt },
      status: 400,
      message: `observedAt: ${JSON.stringify(
        observedAt,
      )} is not an ISO 8601 timestamp`,
    })),
  fc
    .date({ min: new Date(Date.now() + 3_600_000), noInvalidDate: true })
    .map(date => (body: Body) => ({
      body: { ...body, observedAt: date.toISOString() },
      status: 400,
      message: `observedAt: ${date.toISOString()} is in the future`,
    })),
);

// Waiver requests.
const IN_FORCE = ['domain-exists', 'tagged', 'review-pending'];
const DAY = 86_400_000;
const validWaiver = fc.record({
  entityRef: ordersRef,
  policyId: fc.constantFrom(...IN_FORCE),
  reason: fc
    .string({ minLength: 1, maxLength: 60 })
    .filter(reason => reason.trim().length > 0),
  // At least an hour ahead: the request is answered before it is in the past.
  expiresInMs: fc.integer({
    min: 3_600_000,
    max: MAX_WAIVER_DAYS * DAY - 60_000,
  }),
});

/** One defect of a valid waiver request, with the answer it gets. */
const waiverDefect: fc.Arbitrary<(body: Body) => Case> = fc.oneof(
  fc
    .constantFrom('entityRef', 'policyId', 'reason', 'expiresAt')
    .map(key => (body: Body) => missing(body, key)),
  fc.constant((body: Body) => ({
    body: { ...body, entityRef: 'nowhere' },
    status: 404,
    message: 'No entity dataproduct:default/nowhere',
  })),
  fc.constant((body: Body) => ({
    body: { ...body, entityRef: 'group:default/sales-data' },
    status: 400,
    message: 'entityRef: group:default/sales-data is not a DataProduct',
  })),
  fc.constantFrom('dataproduct:', ':x').map(entityRef => (body: Body) => ({
    body: { ...body, entityRef },
    status: 400,
    message: `entityRef: ${JSON.stringify(
      entityRef,
    )} is not a valid entity ref`,
  })),
  // Unknown, and retired: neither is in force.
  fc.constantFrom('nope', 'old-rule').map(policyId => (body: Body) => ({
    body: { ...body, policyId },
    status: 400,
    message: `policyId: "${policyId}" is not a policy in force for ${ORDERS}`,
  })),
  fc.constantFrom(' ', '\n\t ').map(reason => (body: Body) => ({
    body: { ...body, reason },
    status: 400,
    message: 'reason: must say why the exception is needed',
  })),
  fc.constant((body: Body) => ({
    body: { ...body, reason: 'x'.repeat(2001) },
    status: 400,
    message: 'request/body/reason must NOT have more than 2000 characters',
  })),
  fc.constantFrom('soon', 'tomorrow', '').map(expiresAt => (body: Body) => ({
    body: { ...body, expiresAt },
    status: 400,
    message: `expiresAt: ${JSON.stringify(
      expiresAt,
    )} is not an ISO 8601 timestamp`,
  })),
  pastDate.map(date => (body: Body) => ({
    body: { ...body, expiresAt: date.toISOString() },
    status: 400,
    message: `expiresAt: ${date.toISOString()} is not in the future`,
  })),
  fc
    .integer({ min: MAX_WAIVER_DAYS * DAY + 60_000, max: 3650 * DAY })
    .map(inMs => (body: Body) => {
      const expiresAt = new Date(Date.now() + inMs).toISOString();
      return {
        body: { ...body, expiresAt },
        status: 400,
        message: `expiresAt: ${expiresAt} is more than ${MAX_WAIVER_DAYS} days away; waivers are temporary`,
      };
    }),
);

// Explorer queries.
/** Valid values of each parameter of GET /products. */
const PRODUCT_QUERY = {
  q: fc.string({ minLength: 1, maxLength: 12 }).filter(q => q.trim() !== ''),
  domain: fc.constantFrom('sales', 'domain:default/sales', 'elsewhere'),
  owner: fc.constantFrom('sales-data', 'group:default/sales-data', 'nobody'),
  status: fc.constantFrom(...DATA_PRODUCT_STATUSES),
  classification: fc.constantFrom(...DATA_CLASSIFICATIONS),
  personalData: fc.constantFrom('true', 'false'),
  level: fc.constantFrom('bronze', 'silver', 'gold', 'none'),
  compliant: fc.constantFrom('true', 'false'),
  sort: fc.constantFrom('name', '-name', 'score', '-score'),
  limit: fc.integer({ min: 1, max: 100 }).map(String),
  offset: fc.integer({ min: 0, max: 100_000 }).map(String),
};
const validQuery = fc
  .subarray(Object.keys(PRODUCT_QUERY) as Array<keyof typeof PRODUCT_QUERY>)
  .chain(keys =>
    fc.tuple(
      ...keys.map(key =>
        PRODUCT_QUERY[key].map(value => [key, value] as [string, string]),
      ),
    ),
  );
/** One bad parameter of an explorer query, with the message it gets. */
const queryDefect = fc.constantFrom<[string, string, string]>(
  ['limit', '0', 'request/query/limit must be >= 1'],
  ['limit', '101', 'request/query/limit must be <= 100'],
  ['limit', 'ten', 'request/query/limit must be integer'],
  ['offset', '-1', 'request/query/offset must be >= 0'],
  ['offset', '100001', 'request/query/offset must be <= 100000'],
  [
    'sort',
    'best',
    'request/query/sort must be equal to one of the allowed values: name, -name, score, -score',
  ],
  [
    'level',
    'platinum',
    'level: "platinum" is not one of bronze, silver, gold, none',
  ],
  [
    'classification',
    'secret',
    `request/query/classification/0 must be equal to one of the allowed values: ${DATA_CLASSIFICATIONS.join(
      ', ',
    )}`,
  ],
  ['personalData', 'maybe', 'request/query/personalData/0 must be boolean'],
  ['q', '', "Empty value found for query parameter 'q'"],
  ['colour', 'blue', "Unknown query parameter 'colour'"],
);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'the REST API, on generated requests, on %p',
  databaseId => {
    let backend: TestBackend;
    let database: RouteTestDatabase;
    const user = mockCredentials.user.header();
    const service = mockCredentials.service.header();

    beforeAll(async () => {
      database = await routeTestDatabase(databases, databaseId);
      backend = await startRouteTestBackend({
        catalog: SALES_CATALOG,
        config: database.config,
        dataMesh: {
          api: { maxBodyBytes: MAX_BODY_BYTES },
          // The mock service is the sales domain's pipeline; fact history is kept for the
          // whole test.
          facts: {
            pipelines: mockServicePipelines('sales'),
            cleanupSchedule: QUIET_SCHEDULE,
          },
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
          governance: {
            defaultPolicies: false,
            policies: [
              { id: 'domain-exists', rule: 'domain != null' },
              {
                id: 'tagged',
                enforcement: 'warn',
                rule: 'has(entity.metadata.tags)',
              },
              { id: 'review-pending', enforcement: 'draft', rule: 'false' },
              { id: 'old-rule', enforcement: 'retired', rule: 'false' },
            ],
            waivers: { maxDays: MAX_WAIVER_DAYS, schedule: QUIET_SCHEDULE },
          },
        },
        features: [notificationsStub().factory],
      });
      await waitForRelation(backend, 'orders');
    });

    afterAll(async () => {
      await backend?.stop();
      await database?.destroy();
    });

    /** Sends a body as JSON text, so that keys such as `__proto__` arrive as they are. */
    const post = (path: string, body: unknown, auth = user) =>
      request(backend.server)
        .post(`/api/data-mesh${path}`)
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body) ?? 'null');
    const get = (path: string) =>
      request(backend.server)
        .get(`/api/data-mesh${path}`)
        .set('Authorization', user);

    it('answers every dry run with its verdict, or a 400 naming the defect', async () => {
      // Each run checks its answer (expectAnswer).
      expect.hasAssertions();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            validDryRun.map(valid => ({ ...valid, status: 200 })),
            fc
              .tuple(validDryRun, dryRunDefect)
              .map(([valid, defect]) => defect(valid.body)),
          ),
          async dryRun => {
            const outcome = (results: Array<{ id: string }>, id: string) =>
              results.find(r => r.id === id) as { outcome: string } | undefined;
            expectAnswer(
              await post('/evaluate', dryRun.body),
              dryRun,
              body => ({
                testsPass: outcome(body.scorecard.checks, 'tests-pass')
                  ?.outcome,
                domainExists: outcome(body.governance.results, 'domain-exists')
                  ?.outcome,
              }),
            );
          },
        ),
        {
          numRuns: 200,
          // Found by an earlier version: a source named ":" was reported as `facts.:: ...`.
          examples: [
            [
              {
                body: {
                  entity: {
                    apiVersion: 'datamesh-portal.io/v1alpha1',
                    kind: 'DataProduct',
                    metadata: { name: 'x' },
                    spec: {
                      owner: 'sales-data',
                      domain: 'sales',
                      status: 'active',
                    },
                  },
                  facts: { ':': {} },
                },
                status: 400,
                message: BAD_SOURCES[0][1]('facts[":"]'),
              },
            ],
          ],
        },
      );
    });

    it('stores every well-formed fact push, read back from the database, and refuses each defect', async () => {
      const facts = new DatabaseFactStore(database.dataMeshClient());
      // What the store must hold for orders, by source: every stored observation, and the
      // observation time of the latest.
      const stored = new Map<
        string,
        Array<{ facts: unknown; observedAt: Date }>
      >();
      const latestAt = new Map<string, Date>();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            validPush.map(body => ({ body: body as Body, status: 201 })),
            fc
              .tuple(validPush, pushDefect)
              .map(([body, defect]) => defect(body)),
          ),
          async (push: Case<Body>) => {
            const sentAt = Date.now();
            const res = await post('/facts', push.body, service);
            expectAnswer(res, push);
            if (push.status !== 201) return;

            const source = push.body.source as string;
            // Given, or when it was received.
            const observedAt = new Date(
              (push.body.observedAt as string | undefined) ??
                res.body.observedAt,
            );
            expect(observedAt.getTime()).toBeGreaterThanOrEqual(
              push.body.observedAt ? 0 : sentAt,
            );
            const latest = !(observedAt < (latestAt.get(source) ?? 0));
            expect(res.body).toEqual(
              expect.objectContaining({
                entityRef: ORDERS,
                source,
                observedAt: observedAt.toISOString(),
                latest,
              }),
            );
            const values = JSON.parse(JSON.stringify(push.body.facts));
            stored.set(source, [
              ...(stored.get(source) ?? []),
              { facts: values, observedAt },
            ]);
            if (latest) latestAt.set(source, observedAt);

            const history = await facts.getFactHistory(ORDERS, source, {
              limit: 1000,
            });
            expect(
              history.map(h => ({ facts: h.facts, observedAt: h.observedAt })),
            ).toEqual(expect.arrayContaining(stored.get(source)!));
            expect(history).toHaveLength(stored.get(source)!.length);
            const current = (await facts.getLatestFacts([ORDERS]))
              .get(ORDERS)
              ?.get(source);
            expect(current?.observedAt).toEqual(latestAt.get(source));
          },
        ),
        {
          numRuns: 150,
          // A key named __proto__ in pushed values is data, not a prototype.
          examples: [
            [
              {
                body: JSON.parse(
                  '{"entityRef":"orders","source":"ci","facts":{"__proto__":{"x":1},"testsFailed":0}}',
                ),
                status: 201,
              },
            ],
          ],
        },
      );
    });

    /** Every waiver of orders created here, and those pending (one per policy at a time). */
    const waivers = {
      all: new Set<string>(),
      pendingOf: new Map<string, string>(),
    };
    const requestWaiver = (body: Body) => post('/waivers', body);
    /** A valid request is created unless a pending waiver of its policy blocks it. */
    const validWaiverAnswer = (body: Body, policyId: string): Case => {
      const blocking = waivers.pendingOf.get(policyId);
      if (!blocking) return { body, status: 201 };
      return {
        body,
        status: 409,
        message: `Waiver ${blocking} of policy ${policyId} for ${ORDERS} is pending; a new waiver can only be requested after it is rejected, revoked or expired`,
      };
    };
    const reject = async (id: string, policyId: string) => {
      const res = await post(`/waivers/${id}/reject`, {});
      expect({ status: res.status, waiver: res.body.status }).toEqual({
        status: 200,
        waiver: 'rejected',
      });
      waivers.pendingOf.delete(policyId);
    };

    it('creates every valid waiver request that no other waiver blocks, and refuses each defect', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            validWaiver.map(valid => ({ valid, defect: undefined })),
            fc.record({ valid: validWaiver, defect: waiverDefect }),
          ),
          fc.boolean(),
          async ({ valid, defect }, rejectAfter) => {
            const { expiresInMs, ...rest } = valid;
            const body: Body = {
              ...rest,
              expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
            };
            const expected = defect
              ? defect(body)
              : validWaiverAnswer(body, valid.policyId);
            const res = await requestWaiver(expected.body as Body);
            expectAnswer(res, expected);
            if (res.status !== 201) return;
            expect(res.body).toEqual(
              expect.objectContaining({
                entityRef: ORDERS,
                policyId: valid.policyId,
                reason: valid.reason.trim(),
                expiresAt: body.expiresAt,
                status: 'pending',
              }),
            );
            waivers.all.add(res.body.id);
            waivers.pendingOf.set(valid.policyId, res.body.id);
            // Rejected, the policy takes a new request.
            if (rejectAfter) await reject(res.body.id, valid.policyId);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('pages waivers: the pages of any size cover every waiver exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 5 }),
          async (count, limit) => {
            // More waivers first, each rejected so that the policy takes the next.
            for (let i = 0; i < count; i++) {
              const policyId = IN_FORCE[i % IN_FORCE.length];
              const pending = waivers.pendingOf.get(policyId);
              if (pending) await reject(pending, policyId);
              const res = await requestWaiver({
                entityRef: ORDERS,
                policyId,
                reason: `Paging ${i}`,
                expiresAt: new Date(Date.now() + DAY).toISOString(),
              });
              expect(res.status).toBe(201);
              waivers.all.add(res.body.id);
              waivers.pendingOf.set(policyId, res.body.id);
            }
            const seen: string[] = [];
            for (let offset = 0; ; offset += limit) {
              const res = await get(
                `/waivers?entityRef=orders&limit=${limit}&offset=${offset}`,
              );
              expect(res.status).toBe(200);
              expect(res.body).toMatchObject({ limit, offset });
              const ids = res.body.items.map((w: { id: string }) => w.id);
              expect(ids.length).toBeLessThanOrEqual(limit);
              seen.push(...ids);
              if (ids.length < limit) break;
            }
            expect(seen.length).toBe(new Set(seen).size);
            expect(new Set(seen)).toEqual(waivers.all);
          },
        ),
        { numRuns: 20 },
      );
    });

    it('pages history: each page is the slice of the whole history it names', async () => {
      // Each push changes the outcome of tests-pass, so each adds a history point.
      for (const testsFailed of [1, 0, 2, 0, 3]) {
        const pushed = await post(
          '/facts',
          { entityRef: 'orders', source: 'ci', facts: { testsFailed } },
          service,
        );
        expect(pushed.status).toBe(201);
      }
      const history = async (query: string) => {
        const res = await get(
          `/scorecards/dataproduct/default/orders/history?${query}`,
        );
        expect(res.status).toBe(200);
        return res.body.items as Array<{ evaluatedAt: string }>;
      };
      const all = await history('limit=1000');
      expect(all.length).toBeGreaterThanOrEqual(5);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: all.length + 1 }),
          fc.integer({ min: 0, max: all.length + 1 }),
          async (limit, offset) => {
            // Newest first from the offset; each page in time order.
            const end = Math.max(0, all.length - offset);
            expect(await history(`limit=${limit}&offset=${offset}`)).toEqual(
              all.slice(Math.max(0, end - limit), end),
            );
          },
        ),
        { numRuns: 30 },
      );
    });

    it('answers every explorer query with the page asked for, or a 400 naming the parameter', async () => {
      const query = (pairs: Array<[string, string]>) =>
        new URLSearchParams(pairs).toString();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            validQuery.map(pairs => ({ pairs, status: 200 } as const)),
            fc
              .tuple(validQuery, queryDefect)
              .map(([pairs, [name, value, message]]) => ({
                pairs: [
                  ...pairs.filter(([key]) => key !== name),
                  [name, value] as [string, string],
                ],
                status: 400,
                message,
              })),
          ),
          async ({ pairs, ...expected }) => {
            const res = await get(`/products?${query(pairs)}`);
            expectAnswer(res, expected);
            if (res.status !== 200) return;
            const asked = Object.fromEntries(pairs);
            const limit = Number(asked.limit ?? 25);
            const offset = Number(asked.offset ?? 0);
            expect(res.body).toMatchObject({ limit, offset });
            expect(res.body.items.length).toBe(
              Math.max(0, Math.min(limit, res.body.totalCount - offset)),
            );
          },
        ),
        { numRuns: 200 },
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
            const res = await get(
              `${path}?${name}=${encodeURIComponent(value)}`,
            );
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
        const over = await get(`${path}?limit=${max + 1}`);
        expect(over.body.error.message).toBe(
          `request/query/limit must be <= ${max}`,
        );
        const atMax = await get(`${path}?limit=${max}&offset=100000`);
        expect(atMax.status).toBe(200);
        expect(atMax.body.items).toEqual([]);
      }
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
  },
);
