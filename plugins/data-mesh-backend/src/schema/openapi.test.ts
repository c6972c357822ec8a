import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  FACT_SOURCE_PATTERN,
} from '@datamesh-portal/plugin-data-mesh-common';
import { servedRoutes } from '../__testUtils__/servedRoutes';
import { dataMeshPlugin } from '../plugin';
import { spec } from './openapi/generated';

jest.setTimeout(60_000);

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Routes Backstage itself serves under every plugin, not the plugin's API: the permission
 * integration's, the actions registry's (our actions for assistants), and the spec that an
 * OpenAPI router serves.
 */
function isBackstageRoute(route: string) {
  const path = route.slice(route.indexOf(' ') + 1);
  return (
    path.startsWith('/.well-known/backstage/') ||
    path.startsWith('/.backstage/actions/') ||
    route === 'GET /openapi.json'
  );
}

/** Every `METHOD /path` of a spec, and those whose operations need no authentication. */
function specRoutes(document: any) {
  const routes: string[] = [];
  const unauthenticated: string[] = [];
  for (const [route, item] of Object.entries<any>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      routes.push(`${method.toUpperCase()} ${route}`);
      if ((operation.security ?? document.security).length === 0) {
        unauthenticated.push(route);
      }
    }
  }
  return { routes, unauthenticated };
}

describe('the OpenAPI spec of /api/data-mesh', () => {
  let served: string[];
  let authPolicies: Array<{ path: string; allow: string }>;

  beforeAll(async () => {
    // The plugin's router and auth policies, as the plugin hands them to Backstage.
    const httpRouter = mockServices.httpRouter.mock();
    const backend = await startTestBackend({
      features: [dataMeshPlugin, httpRouter.factory],
    });
    try {
      served = httpRouter.use.mock.calls.flatMap(([router]) =>
        servedRoutes(router),
      );
      authPolicies = httpRouter.addAuthPolicy.mock.calls.map(
        ([policy]) => policy,
      );
    } finally {
      await backend.stop();
    }
  });

  it('describes every route the backend serves, and serves every route it describes', () => {
    const { routes } = specRoutes(spec);
    const described = new Set(routes);
    const servedSet = new Set(served);
    expect({
      servedButNotInSpec: served.filter(
        r => !described.has(r) && !isBackstageRoute(r),
      ),
      inSpecButNotServed: routes.filter(r => !servedSet.has(r)),
    }).toEqual({ servedButNotInSpec: [], inSpecButNotServed: [] });
    // Each route is served once: a second handler would never be reached.
    expect(served.filter((r, i) => served.indexOf(r) !== i)).toEqual([]);
  });

  it('needs authentication on exactly the routes the backend does not open', () => {
    const { unauthenticated } = specRoutes(spec);
    expect(unauthenticated).toEqual(['/health']);
    expect(
      authPolicies
        .filter(policy => policy.allow === 'unauthenticated')
        .map(policy => policy.path),
    ).toEqual(unauthenticated);
  });

  // The router refuses what the spec does not allow, and no route checks these again.
  it('allows the values of the data mesh model, no more and no fewer', () => {
    const document = spec as any;
    const explorer = Object.fromEntries(
      document.paths['/products'].get.parameters
        .filter((p: any) => p.in === 'query')
        .map((p: any) => [p.name, p.schema.items?.enum]),
    );
    expect(explorer).toMatchObject({
      status: [...DATA_PRODUCT_STATUSES],
      type: [...DATA_PRODUCT_TYPES],
      classification: [...DATA_CLASSIFICATIONS],
    });
    expect(
      document.components.schemas.PushFactsRequest.properties.source.pattern,
    ).toBe(FACT_SOURCE_PATTERN.source);
  });
});
