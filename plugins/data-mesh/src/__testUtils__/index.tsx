import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ExtensionDefinition,
  OverridableExtensionDefinition,
} from '@backstage/frontend-plugin-api';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
// Tests run in Node and read the repository's example files, as the catalog would.
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { DataMeshApi } from '../api';

/** A card for every kind, so a test can tell when the entity page has rendered its cards. */
export const everyKindCard = EntityCardBlueprint.make({
  name: 'every-kind',
  params: { loader: async () => <div>page rendered</div> },
});

/**
 * Renders an entity page for the entity with the given extensions. The page is mounted at the
 * catalog's entity path, so entity links get real hrefs (`/catalog/default/group/x`).
 */
export function renderEntityPage(
  entity: Entity,
  extensions: ExtensionDefinition[],
  options: Omit<
    NonNullable<Parameters<typeof renderTestApp>[0]>,
    'extensions'
  > = {},
) {
  const namespace = entity.metadata.namespace ?? 'default';
  return renderTestApp({
    ...options,
    // Pages have a permission API: one that denies everything unless the test gives its own
    // (the first of an API wins).
    apis: [...(options.apis ?? []), permissionsAllowing()],
    extensions: [
      createTestEntityPage({ entity }),
      everyKindCard,
      // A test that names an extension renders it, also one the plugin ships disabled (the
      // cards a DataProduct page shows on its tabs rather than on its overview).
      ...extensions.map(extension =>
        (extension as OverridableExtensionDefinition).override({
          disabled: false,
        }),
      ),
    ],
    config: {
      app: {
        extensions: [
          {
            'page:test/test-entity': {
              config: { path: '/catalog/:namespace/:kind/:name' },
            },
          },
        ],
      },
    },
    initialRouteEntries: [
      `/catalog/${namespace}/${entity.kind.toLocaleLowerCase('en-US')}/${
        entity.metadata.name
      }`,
    ],
  });
}

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/** The text of a file under the repository's `examples/` folder. */
export function readExample(file: string): string {
  return fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
}

/** One entity of a multi-document catalog file under `examples/`, by kind and name. */
export function exampleEntity(file: string, kind: string, name: string) {
  const entity = parseAllDocuments(readExample(file))
    .map(document => document.toJS() as Entity)
    .find(e => e?.kind === kind && e.metadata.name === name);
  if (!entity) throw new Error(`No ${kind} ${name} in examples/${file}`);
  return entity;
}

/** A minimal DataProduct with the given name, spec fields and relations. */
export function dataProduct(
  name: string,
  spec: Record<string, unknown> = {},
  relations: Entity['relations'] = [],
): Entity {
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:data-team',
      domain: 'sales',
      status: 'active',
      ...spec,
    },
    relations,
  };
}

/** An entity of another kind, to check that a card is not shown on it. */
export const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', namespace: 'default' },
  spec: { type: 'service', owner: 'group:x', lifecycle: 'production' },
};

/**
 * A {@link DataMeshApi} with fixed answers, as `jest.fn`s: no scorecard, no history, an empty
 * rollup, the levels bronze, silver and gold and no policies, no governance verdict, an empty
 * mesh, no waivers, no products, no insight, an empty domain map, no contracts to test and no access requests, unless
 * overridden. Calls that change something are refused.
 */
export function fakeDataMeshApi(overrides: Partial<DataMeshApi> = {}) {
  const refused = async () => {
    throw new Error('not allowed');
  };
  return {
    getScorecard: jest.fn(async () => undefined),
    getScorecardHistory: jest.fn(async (entityRef: unknown) => ({
      entityRef: String(entityRef),
      items: [],
    })),
    evaluate: jest.fn(refused),
    getRollup: jest.fn(
      async (groupBy: 'domain' | 'owner', entityRef: unknown) => ({
        entityRef: String(entityRef),
        groupBy,
        products: 0,
        averageScore: null,
        levelCounts: {},
        worst: [],
        compliant: 0,
      }),
    ),
    getRules: jest.fn(async () => ({
      levels: ['bronze', 'silver', 'gold'],
      checks: [],
      policies: [],
    })),
    getGovernance: jest.fn(async () => undefined),
    getGovernanceSummary: jest.fn(async () => ({
      products: 0,
      compliant: 0,
      policies: [],
      domains: [],
      violations: [],
      waivers: { pending: [], expiring: [] },
    })),
    listWaivers: jest.fn(async () => ({ items: [] })),
    getWaiver: jest.fn(refused),
    requestWaiver: jest.fn(refused),
    decideWaiver: jest.fn(refused),
    dryRun: jest.fn(refused),
    queryProducts: jest.fn(async () => ({
      items: [],
      totalCount: 0,
      limit: 25,
      offset: 0,
    })),
    getInsight: jest.fn(async () => ({
      products: 0,
      averageScore: null,
      compliant: 0,
      domains: [],
      trend: [],
      regressions: [],
      leaderboard: [],
    })),
    getDomainMap: jest.fn(async () => ({
      domains: [],
      products: [],
      edges: [],
    })),
    getContractTests: jest.fn(async (entityRef: unknown) => ({
      entityRef: String(entityRef),
      summary: { passed: 0, failed: 0, errors: 0, skipped: 0 },
      contracts: [],
    })),
    runContractTests: jest.fn(refused),
    listAccessRequests: jest.fn(async () => ({
      items: [],
      limit: 100,
      offset: 0,
    })),
    getAccessRequest: jest.fn(refused),
    requestAccess: jest.fn(refused),
    decideAccessRequest: jest.fn(refused),
    previewPort: jest.fn(refused),
    ...overrides,
  } as jest.Mocked<DataMeshApi>;
}

/**
 * A permission API that allows only the given permissions (by name, e.g.
 * `data-mesh.waiver.decide`) and denies everything else.
 */
export function permissionsAllowing(
  ...names: string[]
): ReturnType<typeof mockApis.permission> {
  return mockApis.permission({
    authorize: request =>
      names.includes(request.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
}

const STATUS_TEXTS: Record<number, string> = {
  201: 'Created',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/** A minimal fetch response with a JSON body (the test environment has no `Response`). */
export function jsonResponse(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_TEXTS[status] ?? 'OK',
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

/**
 * A refused call as the data mesh client throws it: the `ResponseError` of the backend's error
 * body, `{ error: { name, message, ... }, request, response }`.
 */
export function responseError(
  status: number,
  error: { name: string; message: string; [key: string]: unknown },
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    jsonResponse(status, {
      error,
      request: { method: 'POST', url: '/api/data-mesh' },
      response: { statusCode: status },
    }),
  );
}
