import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { mockServicePipelines, TestBackend } from '../__testUtils__/backends';
import {
  QUIET_SCHEDULE,
  SALES_CATALOG,
  startRouteTestBackend,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(60_000);

// A second product, without a purpose; a third one, documented, that breaks the policy.
const catalog = `${SALES_CATALOG}---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: refunds }
spec: { owner: sales-data, domain: sales, status: active }
---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: card-numbers }
spec:
  owner: sales-data
  domain: sales
  status: active
  purpose: The card numbers of every payment, unmasked.
  classification: restricted
`;

const dataMesh = {
  // Facts are pushed as the mock service, the sales domain's pipeline.
  facts: { pipelines: mockServicePipelines('sales') },
  scorecards: {
    levels: ['bronze', 'silver'],
    defaultChecks: false,
    schedule: QUIET_SCHEDULE,
    checks: [
      {
        id: 'has-purpose',
        title: 'Purpose is documented',
        category: 'documentation',
        level: 'bronze',
        rule: 'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
      },
      {
        id: 'tests-pass',
        title: 'Contract tests pass',
        category: 'quality',
        level: 'silver',
        weight: 3,
        appliesTo: 'has(facts.ci)',
        rule: 'facts.ci.testsFailed == 0',
      },
    ],
  },
  // One enforced policy instead of the defaults, so that the checks alone decide the level of
  // the products that follow it.
  governance: {
    defaultPolicies: false,
    policies: [
      {
        id: 'no-restricted-data',
        title: 'Restricted data stays out of the mesh',
        severity: 'error',
        enforcement: 'enforce',
        appliesTo: 'has(entity.spec.classification)',
        rule: "entity.spec.classification != 'restricted'",
      },
    ],
  },
};

describe('scorecards through the REST API', () => {
  let backend: TestBackend;
  const user = mockCredentials.user.header();

  beforeAll(async () => {
    backend = await startRouteTestBackend({ catalog, dataMesh });
    await waitForRelation(backend, 'refunds');
    await waitForRelation(backend, 'card-numbers');
  });

  afterAll(() => backend?.stop());

  const push = (body: object) =>
    request(backend.server)
      .post('/api/data-mesh/facts')
      .set('Authorization', mockCredentials.service.header())
      .send(body);

  it('answers 404 for a product never evaluated: reading does not evaluate', async () => {
    const get = (path: string) =>
      request(backend.server)
        .get(`/api/data-mesh${path}`)
        .set('Authorization', user);
    for (const path of [
      '/scorecards/dataproduct/default/refunds',
      '/governance/dataproduct/default/refunds',
      // Asked again: the first reads stored nothing.
      '/scorecards/dataproduct/default/refunds',
    ]) {
      const res = await get(path);
      expect([path, res.status, res.body.error]).toEqual([
        path,
        404,
        expect.objectContaining({
          name: 'NotFoundError',
          message: 'dataproduct:default/refunds has not been evaluated yet',
        }),
      ]);
    }
    const group = await get('/scorecards/group/default/sales-data');
    expect(group.status).toBe(404);
    expect(group.body.error.message).toBe(
      'group:default/sales-data is not a DataProduct',
    );
    const rollup = await get('/rollups/domain/default/sales');
    expect(rollup.body).toMatchObject({ products: 0, averageScore: null });
  });

  it('scores a product on demand, and again when a pipeline pushes facts', async () => {
    const evaluated = await request(backend.server)
      .post('/api/data-mesh/evaluate/dataproduct/default/orders')
      .set('Authorization', user);
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toMatchObject({
      entityRef: 'dataproduct:default/orders',
      score: 100,
      level: 'silver',
      checks: [
        { id: 'has-purpose', outcome: 'pass' },
        { id: 'tests-pass', outcome: 'skipped' },
      ],
    });

    const failing = await push({
      entityRef: 'dataproduct:default/orders',
      source: 'ci',
      facts: { testsFailed: 3 },
    });
    expect(failing.status).toBe(201);
    expect(failing.body.scorecard).toMatchObject({
      score: 25,
      level: 'bronze',
    });

    const fixed = await push({
      entityRef: 'dataproduct:default/orders',
      source: 'ci',
      facts: { testsFailed: 0 },
    });
    expect(fixed.body.scorecard).toMatchObject({ score: 100, level: 'silver' });

    const latest = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/orders')
      .set('Authorization', user);
    expect(latest.status).toBe(200);
    expect(latest.body.checks).toContainEqual({
      id: 'tests-pass',
      outcome: 'pass',
    });
    expect(latest.body.levels).toEqual(['bronze', 'silver']);

    const history = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/orders/history')
      .set('Authorization', user);
    expect(history.body.items.map((i: any) => [i.score, i.level])).toEqual([
      [100, 'silver'],
      [25, 'bronze'],
      [100, 'silver'],
    ]);
  });

  it('rolls up a domain over its evaluated products', async () => {
    await request(backend.server)
      .post('/api/data-mesh/evaluate/dataproduct/default/refunds')
      .set('Authorization', user);
    const rollup = await request(backend.server)
      .get('/api/data-mesh/rollups/domain/default/sales')
      .set('Authorization', user);
    expect(rollup.status).toBe(200);
    expect(rollup.body).toMatchObject({
      entityRef: 'domain:default/sales',
      products: 2,
      averageScore: 50,
      levelCounts: { silver: 1, none: 1 },
    });
    expect(rollup.body.worst[0].entityRef).toBe('dataproduct:default/refunds');
  });

  it('dry-runs a draft product without storing it', async () => {
    const res = await request(backend.server)
      .post('/api/data-mesh/evaluate')
      .set('Authorization', user)
      .send({
        entity: {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'DataProduct',
          metadata: { name: 'draft' },
          spec: { owner: 'sales-data', domain: 'sales', status: 'draft' },
        },
        facts: { ci: { testsFailed: 1 } },
      });
    expect(res.status).toBe(200);
    expect(res.body.scorecard).toMatchObject({ score: 0, level: null });
    const stored = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/draft')
      .set('Authorization', user);
    expect(stored.status).toBe(404);
  });

  it('lists the rules in force', async () => {
    const res = await request(backend.server)
      .get('/api/data-mesh/rules')
      .set('Authorization', user);
    expect(res.body.levels).toEqual(['bronze', 'silver']);
    expect(res.body.checks.map((c: any) => [c.id, c.origin])).toEqual([
      ['has-purpose', 'global'],
      ['tests-pass', 'global'],
    ]);
  });

  it.each([
    [
      { source: 'ci', facts: {} },
      "request/body must have required property 'entityRef'",
    ],
    [
      { entityRef: 'x:/y', source: 'ci', facts: {} },
      'entityRef: "x:/y" is not a valid entity ref',
    ],
    [
      {
        entityRef: 'dataproduct:default/orders',
        source: 'dbt-tests',
        facts: {},
      },
      'request/body/source must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"',
    ],
    // An identifier, but one the rules cannot read as facts.<source>.
    [
      { entityRef: 'dataproduct:default/orders', source: 'in', facts: {} },
      'source: "in" is a reserved word',
    ],
    [
      { entityRef: 'dataproduct:default/orders', source: 'ci', facts: [1] },
      'request/body/facts must be object',
    ],
    [
      {
        entityRef: 'dataproduct:default/orders',
        source: 'ci',
        facts: {},
        observedAt: 'yesterday',
      },
      'observedAt: "yesterday" is not an ISO 8601 timestamp',
    ],
  ])('refuses a bad fact push %#', async (body, message) => {
    const res = await push(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  // The pipeline may push for no group (403); a user allowed to push for it gets 400.
  it('refuses a push for an entity that is not a DataProduct', async () => {
    const res = await request(backend.server)
      .post('/api/data-mesh/facts')
      .set('Authorization', user)
      .send({ entityRef: 'group:default/sales-data', source: 'ci', facts: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'entityRef: group:default/sales-data is not a DataProduct',
    );
  });

  it('holds a product failing an enforced policy below the top level, saying why', async () => {
    const levelCap = {
      checksLevel: 'silver',
      policyIds: ['no-restricted-data'],
      reason:
        'Held at bronze, below silver: not compliant with the enforced policy “Restricted data stays out of the mesh”. Fix or waive it to hold silver.',
    };
    const evaluated = await request(backend.server)
      .post('/api/data-mesh/evaluate/dataproduct/default/card-numbers')
      .set('Authorization', user);
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toMatchObject({
      score: 100,
      level: 'bronze',
      levelCap,
    });
    const latest = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/card-numbers')
      .set('Authorization', user);
    expect(latest.body).toMatchObject({
      score: 100,
      level: 'bronze',
      levelCap,
    });
    const governance = await request(backend.server)
      .get('/api/data-mesh/governance/dataproduct/default/card-numbers')
      .set('Authorization', user);
    expect(governance.body.compliant).toBe(false);
    // A compliant product holds the level its checks earn, and no cap.
    const orders = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/orders')
      .set('Authorization', user);
    expect(orders.body.level).toBe('silver');
    expect(orders.body).not.toHaveProperty('levelCap');
  });

  it('refuses bodies over the size limit and callers without credentials', async () => {
    const huge = await push({
      entityRef: 'dataproduct:default/orders',
      source: 'ci',
      facts: { log: 'x'.repeat(600 * 1024) },
    });
    expect(huge.status).toBe(413);

    const anonymous = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/orders')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});

describe('scorecards when the permission policy denies', () => {
  it('refuses pushes and re-evaluations with 403', async () => {
    const backend = await startRouteTestBackend({
      catalog,
      dataMesh,
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      const pushed = await request(backend.server)
        .post('/api/data-mesh/facts')
        .set('Authorization', mockCredentials.service.header())
        .send({
          entityRef: 'dataproduct:default/orders',
          source: 'ci',
          facts: {},
        });
      expect(pushed.status).toBe(403);
      const evaluated = await request(backend.server)
        .post('/api/data-mesh/evaluate/dataproduct/default/orders')
        .set('Authorization', mockCredentials.user.header());
      expect(evaluated.status).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});
