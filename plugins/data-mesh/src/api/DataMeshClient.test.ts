import { mockApis } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { DataMeshClient } from './DataMeshClient';

/** A minimal fetch response with a JSON body. */
function jsonResponse(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 404 ? 'Not Found' : 'OK',
    url: '',
    redirected: false,
    type: 'basic',
    headers: {
      get: (name: string) =>
        name.toLocaleLowerCase('en-US') === 'content-type'
          ? 'application/json'
          : null,
    },
    json: async () => JSON.parse(text),
    text: async () => text,
  } as unknown as Response;
}

const scorecard = {
  entityRef: 'dataproduct:default/customer-orders',
  evaluatedAt: '2025-05-01T10:00:00Z',
  score: 80,
  level: 'silver',
  levels: ['bronze', 'silver', 'gold'],
  checks: [],
  definitions: [],
};

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
      'http://backstage:7007/api/data-mesh/scorecards/dataproduct/default/customer-orders',
      undefined,
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
      [`${base}/scorecards/dataproduct/sales/orders/history`, undefined],
      [`${base}/evaluate/dataproduct/sales/orders`, { method: 'POST' }],
      [`${base}/rollups/domain/default/sales`, undefined],
      [`${base}/rollups/owner/default/sales-data`, undefined],
      [`${base}/rules`, undefined],
    ]);
  });
});
