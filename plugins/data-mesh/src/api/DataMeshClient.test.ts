import { mockApis } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { jsonResponse } from '../__testUtils__';
import { DataMeshClient } from './DataMeshClient';

const scorecard = {
  entityRef: 'dataproduct:default/customer-orders',
  evaluatedAt: '2025-05-01T10:00:00Z',
  score: 80,
  level: 'silver',
  levels: ['bronze', 'silver', 'gold'],
  checks: [],
  definitions: [],
};

/** The arguments of a fetch of the JSON API. */
function get(url: string) {
  return [url, { method: 'GET', headers: { Accept: 'application/json' } }];
}
function post(url: string, body?: unknown) {
  return [
    url,
    body === undefined
      ? { method: 'POST', headers: { Accept: 'application/json' } }
      : {
          method: 'POST',
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
        },
  ];
}

function client(...responses: Response[]) {
  const fetch = jest.fn();
  for (const response of responses) fetch.mockResolvedValueOnce(response);
  const api = new DataMeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage:7007' }),
    fetchApi: mockApis.fetch({ baseImplementation: fetch }),
  });
  return { api, fetch };
}

describe('DataMeshClient', () => {
  it('reads the scorecard of an entity from the data mesh backend', async () => {
    const { api, fetch } = client(jsonResponse(200, scorecard));

    await expect(
      api.getScorecard('DataProduct:default/Customer-Orders'),
    ).resolves.toEqual(scorecard);
    expect(fetch).toHaveBeenCalledWith(
      ...get(
        'http://backstage:7007/api/data-mesh/scorecards/dataproduct/default/customer-orders',
      ),
    );
  });

  it('returns undefined for an entity that has not been evaluated yet', async () => {
    const { api } = client(
      jsonResponse(404, {
        error: { name: 'NotFoundError', message: 'No scorecard' },
      }),
    );

    await expect(
      api.getScorecard({
        kind: 'DataProduct',
        namespace: 'default',
        name: 'orders',
      }),
    ).resolves.toBeUndefined();
  });

  it('throws the backend error as a ResponseError', async () => {
    const { api } = client(
      jsonResponse(403, {
        error: { name: 'NotAllowedError', message: 'Not allowed to evaluate' },
        request: {
          method: 'POST',
          url: '/evaluate/dataproduct/default/orders',
        },
        response: { statusCode: 403 },
      }),
    );

    const error = await api
      .evaluate('dataproduct:default/orders')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe('Not allowed to evaluate');
  });

  it('calls every endpoint at its path', async () => {
    const history = { entityRef: scorecard.entityRef, items: [] };
    const rollup = {
      entityRef: 'domain:default/sales',
      groupBy: 'domain',
      products: 0,
      averageScore: null,
      levelCounts: {},
      worst: [],
    };
    const rules = { levels: ['bronze'], checks: [] };
    const { api, fetch } = client(
      jsonResponse(200, history),
      jsonResponse(200, scorecard),
      jsonResponse(200, rollup),
      jsonResponse(200, { ...rollup, groupBy: 'owner' }),
      jsonResponse(200, rules),
    );
    const product = {
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'orders', namespace: 'sales' },
    };

    await expect(api.getScorecardHistory(product)).resolves.toEqual(history);
    await expect(api.evaluate(product)).resolves.toEqual(scorecard);
    await expect(
      api.getRollup('domain', 'domain:default/sales'),
    ).resolves.toEqual(rollup);
    await api.getRollup('owner', 'group:default/sales-data');
    await expect(api.getRules()).resolves.toEqual(rules);

    const base = 'http://backstage:7007/api/data-mesh';
    expect(fetch.mock.calls).toEqual([
      get(`${base}/scorecards/dataproduct/sales/orders/history`),
      post(`${base}/evaluate/dataproduct/sales/orders`),
      get(`${base}/rollups/domain/default/sales`),
      get(`${base}/rollups/owner/default/sales-data`),
      get(`${base}/rules`),
    ]);
  });
});

describe('DataMeshClient governance and waivers', () => {
  const base = 'http://backstage:7007/api/data-mesh';
  const waiver = {
    id: 'w-1',
    entityRef: 'dataproduct:default/orders',
    policyId: 'has-owner',
    reason: 'Migration in progress',
    status: 'pending',
    requestedBy: 'user:default/alice',
    requestedAt: '2025-05-01T10:00:00Z',
    expiresAt: '2025-06-01T00:00:00Z',
  };

  it('reads the governance verdict of a product, undefined before its first evaluation', async () => {
    const governance = {
      entityRef: 'dataproduct:default/orders',
      evaluatedAt: '2025-05-01T10:00:00Z',
      compliant: true,
      results: [],
      policies: [],
      waivers: [],
    };
    const { api, fetch } = client(
      jsonResponse(200, governance),
      jsonResponse(404, {
        error: { name: 'NotFoundError', message: 'Not evaluated' },
      }),
    );

    await expect(
      api.getGovernance('DataProduct:default/Orders'),
    ).resolves.toEqual(governance);
    await expect(
      api.getGovernance('dataproduct:default/new'),
    ).resolves.toBeUndefined();
    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      `${base}/governance/dataproduct/default/orders`,
      `${base}/governance/dataproduct/default/new`,
    ]);
  });

  it('lists waivers by product and by any of several statuses', async () => {
    const { api, fetch } = client(
      jsonResponse(200, { items: [waiver] }),
      jsonResponse(200, { items: [] }),
      jsonResponse(200, { items: [] }),
    );

    await expect(
      api.listWaivers({
        entityRef: {
          kind: 'DataProduct',
          namespace: 'default',
          name: 'Orders',
        },
        status: ['pending', 'approved'],
      }),
    ).resolves.toEqual({ items: [waiver] });
    await api.listWaivers({ status: 'expired' });
    await api.listWaivers();

    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      `${base}/waivers?entityRef=dataproduct%3Adefault%2Forders&status=pending&status=approved`,
      `${base}/waivers?status=expired`,
      `${base}/waivers`,
    ]);
  });

  it('posts waiver requests and decisions as JSON', async () => {
    const { api, fetch } = client(
      jsonResponse(201, waiver),
      jsonResponse(200, { ...waiver, status: 'approved' }),
      jsonResponse(200, { ...waiver, status: 'revoked' }),
    );
    const request = {
      entityRef: waiver.entityRef,
      policyId: waiver.policyId,
      reason: waiver.reason,
      expiresAt: waiver.expiresAt,
    };

    await expect(api.requestWaiver(request)).resolves.toEqual(waiver);
    await expect(
      api.decideWaiver('w-1', 'approve', 'Until the migration ends'),
    ).resolves.toMatchObject({ status: 'approved' });
    await api.decideWaiver('w 1', 'revoke');

    expect(fetch.mock.calls).toEqual([
      post(`${base}/waivers`, request),
      post(`${base}/waivers/w-1/approve`, {
        comment: 'Until the migration ends',
      }),
      post(`${base}/waivers/w%201/revoke`, {}),
    ]);
  });

  it('throws a refused waiver request as a ResponseError with the backend message', async () => {
    const { api } = client(
      jsonResponse(409, {
        error: {
          name: 'ConflictError',
          message: 'A waiver of has-owner is already pending',
        },
        response: { statusCode: 409 },
      }),
    );

    const error = await api
      .requestWaiver({
        entityRef: waiver.entityRef,
        policyId: waiver.policyId,
        reason: 'again',
        expiresAt: waiver.expiresAt,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe(
      'A waiver of has-owner is already pending',
    );
  });

  it('calls the other governance endpoints at their paths', async () => {
    const summary = {
      products: 0,
      compliant: 0,
      policies: [],
      domains: [],
      violations: [],
      waivers: { pending: [], expiring: [] },
    };
    const evaluation = {
      scorecard: { score: 100, level: 'gold', checks: [] },
      governance: { compliant: true, results: [] },
    };
    const { api, fetch } = client(
      jsonResponse(200, summary),
      jsonResponse(200, { ...waiver, events: [] }),
      jsonResponse(200, evaluation),
    );
    const entity = { apiVersion: 'v1', kind: 'DataProduct', metadata: {} };

    await expect(api.getGovernanceSummary()).resolves.toEqual(summary);
    await expect(api.getWaiver('w-1')).resolves.toMatchObject({ events: [] });
    await expect(api.dryRun({ entity })).resolves.toEqual(evaluation);

    expect(fetch.mock.calls).toEqual([
      get(`${base}/governance`),
      get(`${base}/waivers/w-1`),
      post(`${base}/evaluate`, { entity }),
    ]);
  });

  it('queries products with repeated filters, sort and page', async () => {
    const page = { items: [], totalCount: 0, limit: 25, offset: 50 };
    const { api, fetch } = client(
      jsonResponse(200, page),
      jsonResponse(200, page),
    );

    await expect(
      api.queryProducts({
        q: 'orders & more',
        domain: ['domain:default/sales', 'domain:default/finance'],
        status: 'active',
        personalData: false,
        compliant: true,
        sort: '-score',
        limit: 25,
        offset: 50,
        type: '',
      }),
    ).resolves.toEqual(page);
    await api.queryProducts();

    expect(fetch.mock.calls).toEqual([
      get(
        'http://backstage:7007/api/data-mesh/products?q=orders%20%26%20more&domain=domain%3Adefault%2Fsales&domain=domain%3Adefault%2Ffinance&status=active&personalData=false&compliant=true&sort=-score&limit=25&offset=50',
      ),
      get('http://backstage:7007/api/data-mesh/products'),
    ]);
  });

  it('reads the insight and the domain map of the mesh', async () => {
    const insight = { domains: [], trend: [], worsened: [], leaderboard: [] };
    const map = { domains: [], products: [], edges: [] };
    const { api, fetch } = client(
      jsonResponse(200, insight),
      jsonResponse(200, map),
      jsonResponse(403, { error: { name: 'NotAllowedError', message: 'no' } }),
    );

    await expect(api.getInsight()).resolves.toEqual(insight);
    await expect(api.getDomainMap()).resolves.toEqual(map);
    await expect(api.getInsight()).rejects.toBeInstanceOf(ResponseError);
    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      'http://backstage:7007/api/data-mesh/insight',
      'http://backstage:7007/api/data-mesh/domain-map',
      'http://backstage:7007/api/data-mesh/insight',
    ]);
  });
});

describe('DataMeshClient contract tests', () => {
  const base = 'http://backstage:7007/api/data-mesh';
  const tests = {
    entityRef: 'dataproduct:default/orders',
    summary: { passed: 3, failed: 1, errors: 0, skipped: 0 },
    contracts: [{ contractRef: 'api:default/orders-contract', history: [] }],
  };

  it('reads the contract tests of a product, undefined when it is unknown', async () => {
    const { api, fetch } = client(
      jsonResponse(200, tests),
      jsonResponse(404, { error: { name: 'NotFoundError', message: 'no' } }),
    );

    await expect(
      api.getContractTests('DataProduct:default/Orders'),
    ).resolves.toEqual(tests);
    await expect(
      api.getContractTests('dataproduct:default/gone'),
    ).resolves.toBeUndefined();
    expect(fetch.mock.calls).toEqual([
      get(`${base}/contract-tests/dataproduct/default/orders`),
      get(`${base}/contract-tests/dataproduct/default/gone`),
    ]);
  });

  it('runs the contract tests of a product, and throws when refused', async () => {
    const { api, fetch } = client(
      jsonResponse(201, tests),
      jsonResponse(403, { error: { name: 'NotAllowedError', message: 'no' } }),
    );

    await expect(
      api.runContractTests('dataproduct:default/orders'),
    ).resolves.toEqual(tests);
    const refused = await api
      .runContractTests('dataproduct:default/orders')
      .catch(e => e);
    expect(refused).toBeInstanceOf(ResponseError);
    expect(refused.statusCode).toBe(403);
    expect(fetch.mock.calls).toEqual([
      post(`${base}/contract-tests/dataproduct/default/orders/runs`),
      post(`${base}/contract-tests/dataproduct/default/orders/runs`),
    ]);
  });
});
