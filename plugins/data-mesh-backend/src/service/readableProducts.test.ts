import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
  createCatalogPermissionRule,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import request from 'supertest';
import { TestBackend, waitFor } from '../__testUtils__/backends';
import {
  PERMISSION_ENABLED,
  permissionFramework,
} from '../__testUtils__/permissionFramework';
import {
  RouteTestDatabase,
  routeTestDatabase,
} from '../__testUtils__/routeDatabases';
import {
  CatalogDoc,
  evaluateProducts,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
} from '../__testUtils__/routeTests';
import {
  catalogSearch,
  catalogSearchRows,
  toReadCondition,
} from './readableProducts';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/*
 * The caller's catalog read permission applied to our index (issue 22): each user below has a
 * decision of another shape, and sees through the data mesh API exactly the products the
 * catalog itself returns to them.
 */
const ADMIN = 'user:default/admin';
const users = {
  // Unconditional allow: no condition at all.
  all: 'user:default/all',
  // The catalog's isEntityOwner, with the user's ownership claims.
  owner: 'user:default/owner',
  // Labels, kinds and spec in anyOf / allOf.
  tiers: 'user:default/tiers',
  // not, annotations, metadata.
  notSecret: 'user:default/not-secret',
  // A rule of another catalog module, which we cannot translate: asked of the catalog.
  custom: 'user:default/custom',
  // Denied: nothing.
  nobody: 'user:default/nobody',
};

const PUBLISHED = createCatalogPermissionRule({
  name: 'IS_PUBLISHED',
  description: 'Active or deprecated products (a rule of another module)',
  resourceType: 'catalog-entity',
  apply: entity =>
    ['active', 'deprecated'].includes(String(entity.spec?.status)),
  toQuery: () => ({ key: 'spec.status', values: ['active', 'deprecated'] }),
});

/** Registers the custom rule with the catalog, as a catalog module of a portal does. */
const customRuleModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-published-rule',
  register(reg) {
    reg.registerInit({
      deps: { registry: coreServices.permissionsRegistry },
      async init({ registry }) {
        registry.addPermissionRules([PUBLISHED]);
      },
    });
  },
});

/** The condition of each user's read permission on data products. */
function productCondition(
  caller: string | undefined,
  claims: string[],
): PermissionCriteria<PermissionCondition<'catalog-entity'>> | undefined {
  switch (caller) {
    case users.owner:
      return catalogConditions.isEntityOwner({ claims });
    case users.tiers:
      return {
        anyOf: [
          catalogConditions.hasLabel({ label: 'tier', value: 'Gold' }),
          {
            allOf: [
              catalogConditions.isEntityKind({ kinds: ['DataProduct'] }),
              catalogConditions.hasSpec({ key: 'status', value: 'deprecated' }),
            ],
          },
        ],
      };
    case users.notSecret:
      return {
        allOf: [
          {
            not: catalogConditions.hasAnnotation({
              annotation: 'example.com/secret',
            }),
          },
          {
            not: catalogConditions.hasMetadata({
              key: 'title',
              value: 'Payroll',
            }),
          },
        ],
      };
    case users.custom:
      return {
        rule: 'IS_PUBLISHED',
        resourceType: 'catalog-entity',
        params: {},
      };
    default:
      return undefined;
  }
}

function readDecision(
  permission: Parameters<typeof createCatalogConditionalDecision>[0],
  caller: string | undefined,
  claims: string[],
): PolicyDecision {
  if (caller === users.nobody) return { result: AuthorizeResult.DENY };
  const condition = productCondition(caller, claims);
  // Everyone reads the domain and the teams (for their rollups).
  return condition
    ? createCatalogConditionalDecision(permission, {
        anyOf: [
          catalogConditions.isEntityKind({ kinds: ['Domain', 'Group'] }),
          condition,
        ],
      })
    : { result: AuthorizeResult.ALLOW };
}

const policy: PermissionPolicy = {
  async handle({ permission }, user) {
    if (
      permission.name === 'catalog.entity.read' &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return readDecision(
        permission,
        user?.info.userEntityRef,
        user?.info.ownershipEntityRefs ?? [],
      );
    }
    return { result: AuthorizeResult.ALLOW };
  },
};

const product = (
  name: string,
  options: {
    owner: string;
    status?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    title?: string;
  },
): CatalogDoc => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name,
    ...(options.title && { title: options.title }),
    ...(options.labels && { labels: options.labels }),
    ...(options.annotations && { annotations: options.annotations }),
  },
  spec: {
    owner: options.owner,
    domain: 'sales',
    status: options.status ?? 'active',
  },
});

const docs: CatalogDoc[] = [
  { kind: 'Group', metadata: { name: 'team-a' } },
  { kind: 'Group', metadata: { name: 'team-b' } },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'team-a' },
  },
  product('orders', { owner: 'team-a', labels: { tier: 'gold' } }),
  product('invoices', { owner: 'team-a', status: 'deprecated' }),
  product('payroll', {
    owner: 'team-b',
    title: 'Payroll',
    labels: { tier: 'silver' },
  }),
  product('secrets', {
    owner: 'team-b',
    annotations: { 'example.com/secret': 'yes' },
  }),
  product('drafts', { owner: 'team-b', status: 'draft' }),
  product('leads', {
    owner: 'team-a',
    status: 'proposed',
    labels: { tier: 'GOLD' },
  }),
];
const NAMES = ['orders', 'invoices', 'payroll', 'secrets', 'drafts', 'leads'];

/** What each user may read, by the policy above (the test also asks the catalog). */
const EXPECTED: Record<keyof typeof users, string[]> = {
  all: NAMES,
  owner: ['orders', 'invoices', 'leads'],
  tiers: ['orders', 'invoices', 'leads'],
  notSecret: ['orders', 'invoices', 'drafts', 'leads'],
  custom: ['orders', 'invoices', 'payroll', 'secrets'],
  nobody: [],
};

const sorted = (refs: string[]) => [...refs].sort();
const refOf = (name: string) => `dataproduct:default/${name}`;

describe.each(databases.eachSupportedId())(
  'the read permission over our index on %s',
  databaseId => {
    let backend: TestBackend;
    let database: RouteTestDatabase;
    const header = (user: string) => mockCredentials.user.header(user);
    const get = (path: string, user: string) =>
      request(backend.server).get(path).set('Authorization', header(user));

    beforeAll(async () => {
      database = await routeTestDatabase(databases, databaseId);
      backend = await startRouteTestBackend({
        catalog: docs,
        config: { ...PERMISSION_ENABLED, ...database.config },
        dataMesh: {
          scorecards: {
            defaultChecks: false,
            checks: [{ id: 'any', title: 'Any', rule: 'true' }],
            schedule: QUIET_SCHEDULE,
          },
          governance: {
            defaultPolicies: false,
            waivers: { schedule: QUIET_SCHEDULE },
          },
          access: { schedule: QUIET_SCHEDULE },
          contractTests: {
            schedule: QUIET_SCHEDULE,
            newContractsSchedule: QUIET_SCHEDULE,
          },
        },
        features: [
          ...permissionFramework(policy, {
            [users.owner]: ['group:default/team-a'],
          }),
          customRuleModule,
          notificationsStub().factory,
        ],
      });
      await waitFor('the products with their owners', async () => {
        const res = await get(
          '/api/catalog/entities/by-query?filter=kind=dataproduct&limit=100',
          ADMIN,
        );
        if (
          res.status === 200 &&
          res.body.items.length === NAMES.length &&
          res.body.items.every((e: any) =>
            e.relations?.some((r: any) => r.type === 'ownedBy'),
          )
        ) {
          return true;
        }
        throw new Error(
          `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      });
      await evaluateProducts(backend, NAMES, header(ADMIN));
    });

    afterAll(async () => {
      await backend?.stop();
      await database?.destroy();
    });

    /** The products the catalog itself returns to the user. */
    const catalogAnswer = async (user: string) => {
      const res = await get(
        '/api/catalog/entities/by-query?filter=kind=dataproduct&limit=100&fields=kind,metadata.name,metadata.namespace',
        user,
      );
      expect(res.status).toBe(200);
      return sorted(res.body.items.map((e: any) => refOf(e.metadata.name)));
    };

    it.each(Object.keys(users) as Array<keyof typeof users>)(
      'shows %s exactly the products the catalog shows them',
      async key => {
        const user = users[key];
        const expected = sorted(EXPECTED[key].map(refOf));
        expect(await catalogAnswer(user)).toEqual(expected);

        const products = await get('/api/data-mesh/products?limit=100', user);
        expect(products.status).toBe(200);
        expect(
          sorted(products.body.items.map((item: any) => item.entityRef)),
        ).toEqual(expected);
        expect(products.body.totalCount).toBe(expected.length);

        // A page of one: the count is of every readable product, the page of the first.
        const first = await get(
          '/api/data-mesh/products?limit=1&sort=name',
          user,
        );
        expect(first.body.totalCount).toBe(expected.length);
        expect(first.body.items.map((item: any) => item.entityRef)).toEqual(
          expected.length ? [sorted(expected)[0]] : [],
        );

        const domain = await get(
          '/api/data-mesh/rollups/domain/default/sales',
          user,
        );
        // Who may not read the domain gets no rollup of it.
        expect(domain.status).toBe(key === 'nobody' ? 404 : 200);
        if (domain.status !== 200) return;
        expect(domain.body.products).toBe(expected.length);

        const teamA = await get(
          '/api/data-mesh/rollups/owner/default/team-a',
          user,
        );
        expect(teamA.status).toBe(200);
        expect(teamA.body.products).toBe(
          expected.filter(ref =>
            ['orders', 'invoices', 'leads'].map(refOf).includes(ref),
          ).length,
        );

        const governance = await get('/api/data-mesh/governance', user);
        expect(governance.status).toBe(200);

        // One product's scorecard: from our store alone for a user who reads every entity,
        // else as the catalog decides; either way exactly the products the catalog shows.
        const readable: string[] = [];
        for (const name of NAMES) {
          const scorecard = await get(
            `/api/data-mesh/scorecards/dataproduct/default/${name}`,
            user,
          );
          expect([200, 404]).toContain(scorecard.status);
          if (scorecard.status === 200) readable.push(refOf(name));
        }
        expect(sorted(readable)).toEqual(expected);
      },
    );

    it('stores the catalog search rows of each product, once', async () => {
      const knex = database.dataMeshClient();
      const rows = await knex('product_search')
        .where({ entity_ref: refOf('orders') })
        .select('key', 'value');
      expect(rows).toEqual(
        expect.arrayContaining([
          { key: 'kind', value: 'dataproduct' },
          { key: 'metadata.labels.tier', value: 'gold' },
          { key: 'relations.ownedby', value: 'group:default/team-a' },
          { key: 'spec.status', value: 'active' },
        ]),
      );
      // Evaluating again with nothing changed rewrites no search row.
      const before = await knex('product_search').count({ n: '*' });
      await knex('product_search')
        .where({ entity_ref: refOf('orders'), key: 'kind' })
        .update({ value: 'marker' });
      await evaluateProducts(backend, ['orders'], header(ADMIN));
      expect(
        await knex('product_search')
          .where({ entity_ref: refOf('orders'), key: 'kind' })
          .select('value'),
      ).toEqual([{ value: 'marker' }]);
      expect(await knex('product_search').count({ n: '*' })).toEqual(before);
      await knex('product_search')
        .where({ entity_ref: refOf('orders'), key: 'kind' })
        .update({ value: 'dataproduct' });
    });
  },
);

describe('catalogSearchRows', () => {
  it('mirrors the rows the catalog stitches for an entity', () => {
    const rows = catalogSearchRows({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'Orders',
        uid: 'u-1',
        etag: 'e',
        tags: ['PII', 'pii'],
        description: 'x'.repeat(201),
      },
      spec: { owner: 'team-a', ports: [{ name: 'out' }] },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/Team-A' }],
    });
    expect(rows).toEqual([
      { key: 'apiversion', value: 'datamesh-portal.io/v1alpha1' },
      { key: 'kind', value: 'dataproduct' },
      { key: 'metadata.description', value: null },
      { key: 'metadata.name', value: 'orders' },
      { key: 'metadata.namespace', value: 'default' },
      { key: 'metadata.tags', value: 'pii' },
      { key: 'metadata.tags.pii', value: 'true' },
      { key: 'metadata.uid', value: 'u-1' },
      { key: 'relations.ownedby', value: 'group:default/team-a' },
      { key: 'spec.owner', value: 'team-a' },
      { key: 'spec.ports.name', value: 'out' },
    ]);
  });
});

describe('catalogSearch', () => {
  const orders = (etag: string | undefined, owner: string): Entity => ({
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', ...(etag && { etag }) },
    spec: { owner },
  });

  it("versions the rows by the catalog's etag, computing them only when asked", () => {
    const entity = orders('e1', 'team-a');
    const search = catalogSearch(entity);
    expect(search.version).toBe(catalogSearch(orders('e1', 'team-b')).version);
    expect(search.version).not.toBe(
      catalogSearch(orders('e2', 'team-a')).version,
    );
    expect(search.rows()).toEqual(catalogSearchRows(entity));
  });

  it('versions the rows by their hash without an etag', () => {
    const search = catalogSearch(orders(undefined, 'team-a'));
    expect(search.version).toBe(
      catalogSearch(orders(undefined, 'team-a')).version,
    );
    expect(search.version).not.toBe(
      catalogSearch(orders(undefined, 'team-b')).version,
    );
    expect(search.version).not.toBe(
      catalogSearch(orders('e1', 'team-a')).version,
    );
    expect(search.rows()).toContainEqual({
      key: 'spec.owner',
      value: 'team-a',
    });
  });
});

describe('toReadCondition', () => {
  it('translates the catalog rules and gives up on any other', () => {
    const owner = catalogConditions.isEntityOwner({ claims: ['group:a/b'] });
    expect(
      toReadCondition({
        not: { anyOf: [owner, catalogConditions.hasLabel({ label: 'x' })] },
      }),
    ).toEqual({
      not: {
        anyOf: [
          { key: 'relations.ownedBy', values: ['group:a/b'] },
          { key: 'metadata.labels.x' },
        ],
      },
    });
    expect(
      toReadCondition({
        allOf: [
          owner,
          { rule: 'IS_PUBLISHED', resourceType: 'catalog-entity', params: {} },
        ],
      }),
    ).toBeUndefined();
    // Parameters of an unexpected shape are not guessed at.
    expect(
      toReadCondition({
        rule: 'IS_ENTITY_KIND',
        resourceType: 'catalog-entity',
        params: { kinds: 'DataProduct' },
      }),
    ).toBeUndefined();
  });
});
