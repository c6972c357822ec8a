import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { JsonObject } from '@backstage/types';
import { DuckDBInstance } from '@duckdb/node-api';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { join } from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { TestBackend, waitFor } from '../__testUtils__/backends';
import {
  PERMISSION_ENABLED,
  permissionFramework,
  pipelineTokenAuth,
} from '../__testUtils__/permissionFramework';
import { servedRoutes } from '../__testUtils__/servedRoutes';
import {
  evaluateProducts,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  waitForRelation,
} from '../__testUtils__/routeTests';
import { readDataMeshBackendConfig } from './config';
import { createRouter, RouterOptions } from './router';

jest.setTimeout(120_000);

/*
 * The security table of the data mesh API: one row per route the router registers, with the
 * permission or catalog rule that guards it. Every row is tested without credentials (401),
 * for a caller that may not (403, 404, or a result without what it may not see, and never the
 * data in an error body) and for a caller that may (2xx). docs/operations.md has the table.
 *
 * The permissions are Backstage's own: the permission backend asks the policy below, and the
 * catalog resolves its conditional decisions (the owner rule, the hidden label) against the
 * entities of the test catalog.
 */

// A governance admin: every data mesh permission, reads the whole catalog.
const ADMIN = 'user:default/grace';
// A governance admin of some domains: every data mesh permission, but like the reader the
// catalog hides from them what is labelled restricted.
const SCOPED_ADMIN = 'user:default/hopper';
// A member of clinical-data, which owns the open and the secret product: pushes facts,
// re-evaluates and requests waivers for those two only; reads the whole catalog.
const OWNER = 'user:default/ada';
// Any other user: no data mesh permission, and the catalog hides entities labelled restricted.
const READER = 'user:default/mallory';
// A pipeline's static token, restricted to pushing facts as the example portal's is; the
// products it may push for are dataMesh.facts.pipelines of its subject.
const CI_TOKEN = 'ci-pipeline-token';
const CI_SUBJECT = 'ci-pipelines';

const OPEN = 'dataproduct:default/open-product';
const SECRET = 'dataproduct:default/secret-product';
// Readable by everyone, owned by another team: the owner may not act on it.
const OTHERS = 'dataproduct:default/others-product';
// In every field of the hidden product and domain a body could carry.
const MARKER = 'classified';

/**
 * The example portal's policy (packages/backend/src/modules/dataMeshPermissionPolicy.ts) with
 * this table's roles: admins may do everything; the data mesh permissions on a product are its
 * owners' (the catalog's isEntityOwner); the reader and the scoped admin do not see what is
 * labelled restricted. Service principals never reach a policy.
 */
const policy: PermissionPolicy = {
  async handle({ permission }, user) {
    const caller = user?.info.userEntityRef;
    if (
      permission.name === 'catalog.entity.read' &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return caller === READER || caller === SCOPED_ADMIN
        ? createCatalogConditionalDecision(permission, {
            not: catalogConditions.hasLabel({ label: 'restricted' }),
          })
        : { result: AuthorizeResult.ALLOW };
    }
    // Requesting access: any user with a data mesh role (the example portal: any user).
    if (permission.name === 'data-mesh.access.request' && caller !== READER) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Provisioning output ports: any user, as in the example portal; the backend lets only the
    // members of the product's owning group.
    if (permission.name === 'data-mesh.output-port.provision') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      !permission.name.startsWith('data-mesh.') ||
      caller === ADMIN ||
      caller === SCOPED_ADMIN
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Pushing facts, re-evaluating, requesting waivers: on the products the caller owns.
    if (isResourcePermission(permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.DENY };
  },
};

/** The real permission framework with the policy above, and the pipeline's token. */
const permissions = [
  ...permissionFramework(policy, {
    [OWNER]: ['group:default/clinical-data'],
    // Requests access for research-data (admins may do everything anyway).
    [ADMIN]: ['group:default/research-data'],
  }),
  pipelineTokenAuth({
    token: CI_TOKEN,
    subject: CI_SUBJECT,
    permissionNames: ['data-mesh.facts.push'],
  }),
];

const restricted = { restricted: 'true' };
const EMAIL = {
  name: 'email',
  logicalType: 'string',
  classification: 'restricted',
};
/** The ports' contract; without `email` a breaking change. */
const lakeContract = (version: string, extra: object[]) => ({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'lake',
  version,
  status: 'active',
  servers: [{ server: 'lake', type: 'duckdb', database: 'lake.duckdb' }],
  schema: [
    {
      name: 'customers',
      properties: [{ name: 'id', logicalType: 'integer' }, ...extra],
    },
  ],
});
/** The secret product's contract: its content is hidden data too. */
const secretContract = (version: string) => ({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: `${MARKER}-records`,
  version,
  status: 'active',
  description: { purpose: `The ${MARKER} records` },
  servers: [{ server: 'lake', type: 'duckdb', database: 'lake.duckdb' }],
  schema: [
    {
      name: `${MARKER}_records`,
      properties: [{ name: `${MARKER}_diagnosis`, logicalType: 'string' }],
    },
  ],
});
const docs = [
  { kind: 'Group', metadata: { name: 'clinical-data' } },
  { kind: 'Group', metadata: { name: 'research-data' } },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'open-domain', title: 'Open domain' },
    spec: {
      owner: 'clinical-data',
      policies: [
        {
          id: 'open-domain-tagged',
          title: 'Open products are tagged',
          rule: 'has(entity.metadata.tags)',
          remediation: 'Add tags.',
        },
      ],
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: {
      name: 'secret-domain',
      title: `The ${MARKER} domain`,
      labels: restricted,
    },
    spec: {
      owner: 'clinical-data',
      policies: [
        {
          id: `${MARKER}-policy`,
          title: `A ${MARKER} policy`,
          rule: 'has(entity.metadata.tags)',
          remediation: 'Add tags.',
        },
      ],
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'open-product', title: 'Open product' },
    spec: {
      owner: 'clinical-data',
      domain: 'open-domain',
      status: 'active',
      classification: 'internal',
      outputPorts: [
        { name: 'table', type: 'table', contract: 'lake-contract' },
      ],
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'secret-product',
      title: `The ${MARKER} product`,
      description: `Everything about it is ${MARKER}`,
      labels: restricted,
    },
    spec: {
      owner: 'clinical-data',
      domain: 'secret-domain',
      status: 'active',
      classification: 'restricted',
      inputPorts: [
        { name: 'open', dataProduct: 'open-product' },
        // A consumer of the readable contract that only who may read the product sees.
        { name: 'lake', contract: 'lake-contract' },
      ],
      // Hidden like the product; its table is not on the server: its test run fails.
      outputPorts: [
        { name: 'records', type: 'table', contract: 'secret-contract' },
      ],
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'others-product', title: "Another team's product" },
    spec: {
      owner: 'research-data',
      domain: 'open-domain',
      status: 'active',
      classification: 'internal',
      outputPorts: [
        { name: 'table', type: 'table', contract: 'lake-contract' },
        { name: 'extract', type: 'table', contract: 'lake-contract' },
      ],
    },
  },
  // The contract of the ports on a DuckDB file: previews read it, no grant is needed.
  {
    kind: 'API',
    metadata: { name: 'lake-contract' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'research-data',
      definition: YAML.stringify(lakeContract('1.0.0', [EMAIL])),
    },
  },
  // The secret product's contract, hidden from whoever may not read the product.
  {
    kind: 'API',
    metadata: {
      name: 'secret-contract',
      title: `The ${MARKER} contract`,
      labels: restricted,
    },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'clinical-data',
      definition: YAML.stringify(secretContract('1.0.0')),
    },
  },
];
const lake = join(createMockDirectory().path, 'lake.duckdb');

/** A request for access to a port of a product, for clinical-data. */
const accessRequest = (
  productRef: string,
  outputPort: string,
  consumerRef = 'group:default/clinical-data',
) => ({
  productRef,
  outputPort,
  consumerRef,
  purpose: 'Joining customers to the clinical records',
});

const draft = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'draft-product' },
  spec: {
    owner: 'clinical-data',
    domain: 'open-domain',
    status: 'draft',
  },
};
/** The draft with other fields of its spec, or another name. */
const draftWith = (spec: object, name = draft.metadata.name) => ({
  ...draft,
  metadata: { name },
  spec: { ...draft.spec, ...spec },
});
/**
 * A request to provision the port `table` of a product on the lake (the contract's table
 * `customers`), its draft claiming `owner`.
 */
const provisionTable = (name: string, owner = 'clinical-data') => ({
  entity: {
    ...draft,
    metadata: { name },
    spec: {
      owner,
      domain: 'open-domain',
      status: 'active',
      outputPorts: [{ name: 'table', type: 'table' }],
    },
  },
  contracts: [{ port: 'table', definition: lakeContract('1.0.0', [EMAIL]) }],
});
/** The proposed definition of the ports' contract: `email` removed. */
const lakeImpact = {
  contractRef: 'api:default/lake-contract',
  definition: lakeContract('2.0.0', []),
};
const consumerRefs = (body: any): string[] =>
  body.consumers.map((c: any) => c.entityRef);

/** The outcome of each check or policy of a result, by id. */
const outcomes = (results: Array<{ id: string; outcome: string }>) =>
  Object.fromEntries(results.map(result => [result.id, result.outcome]));

type Caller = 'none' | 'admin' | 'scopedAdmin' | 'owner' | 'reader' | 'ci';
const AUTHORIZATION: Record<Caller, () => string> = {
  none: () => mockCredentials.none.header(),
  admin: () => mockCredentials.user.header(ADMIN),
  scopedAdmin: () => mockCredentials.user.header(SCOPED_ADMIN),
  owner: () => mockCredentials.user.header(OWNER),
  reader: () => mockCredentials.user.header(READER),
  ci: () => `Bearer ${CI_TOKEN}`,
};

/** Set up in beforeAll: a waiver on each product. */
const waiverIds = { open: '', secret: '' };
/** Set up in beforeAll: a contract test run of the secret product. */
let secretRunId = '';
/**
 * Set up in beforeAll, usage agreements: `active` the owner's team on the other team's product
 * (approved by the admin); `open` and `secret` the admin's team's requests on the owner's
 * products; `own` the owner's team's request on the owner's own product.
 */
const agreementIds = { active: '', open: '', secret: '', own: '' };

interface Call {
  path: string | (() => string);
  body?: object;
}

/** One caller's request: the row's call unless it has its own path or body. */
interface Case extends Partial<Call> {
  as: Caller;
  status: number;
  /** Further checks of the body. */
  expectBody?: (body: any) => void;
}

interface Row {
  method: 'get' | 'post';
  /** The route as the router registers it. */
  route: string;
  /** What guards it, as in docs/operations.md. */
  guard: string;
  /** The request made by each case unless the case has its own. */
  call: Call;
  /** Callers who may not, each with what they get. */
  denied: Case[];
  /** A caller who may. */
  allowed: Case;
  /** Health only: answers without credentials. */
  public?: boolean;
}

const refsIn = (body: unknown) =>
  JSON.stringify(body).match(/[a-z]+:default\/[a-z0-9-]+/g) ?? [];
const hidesSecret = (body: unknown) => {
  expect(JSON.stringify(body)).not.toContain(MARKER);
  expect(refsIn(body)).not.toContain(SECRET);
  expect(refsIn(body)).not.toContain('domain:default/secret-domain');
};
const idsOf = (body: any): string[] => body.items.map((a: any) => a.id);
const showsSecret = (body: unknown) => {
  expect(refsIn(body)).toContain(SECRET);
};

const table: Row[] = [
  {
    method: 'get',
    route: '/health',
    guard: 'none (load balancers)',
    public: true,
    call: { path: '/health' },
    denied: [],
    allowed: {
      as: 'none',
      status: 200,
      expectBody: body =>
        expect(body).toEqual({ status: 'ok', database: 'ok' }),
    },
  },
  {
    method: 'get',
    route: '/openapi.json',
    guard: 'authenticated; the spec, no data',
    call: { path: '/openapi.json' },
    denied: [],
    allowed: {
      as: 'reader',
      status: 200,
      expectBody: body =>
        expect(body.paths['/api/data-mesh/health']).toBeDefined(),
    },
  },
  {
    method: 'get',
    route: '/odps/:namespace/:name',
    guard: 'catalog.entity.read of the product',
    call: { path: '/odps/default/secret-product' },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'reader',
      status: 200,
      path: '/odps/default/open-product',
      expectBody: body => expect(body.name).toBe('Open product'),
    },
  },
  {
    method: 'get',
    route: '/rules',
    guard:
      'authenticated; domain policies of readable domains; drafts with data-mesh.governance.draft.read',
    call: { path: '/rules' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(body.policies).toContainEqual(
            expect.objectContaining({ id: 'open-domain-tagged' }),
          );
          expect(body.policies).not.toContainEqual(
            expect.objectContaining({ id: 'draft-review' }),
          );
        },
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body =>
        expect(body.policies.map((p: any) => p.id)).toEqual(
          expect.arrayContaining([
            'draft-review',
            'open-domain-tagged',
            `${MARKER}-policy`,
          ]),
        ),
    },
  },
  {
    method: 'post',
    route: '/facts',
    guard:
      'data-mesh.facts.push on the product; a service token: dataMesh.facts.pipelines of its subject',
    call: {
      path: '/facts',
      body: { entityRef: SECRET, source: 'ci', facts: { failed: 1 } },
    },
    denied: [
      { as: 'ci', status: 403 },
      {
        as: 'reader',
        status: 403,
        body: { entityRef: OPEN, source: 'ci', facts: { failed: 1 } },
      },
      // The owner of the open product, on another team's.
      {
        as: 'owner',
        status: 403,
        body: { entityRef: OTHERS, source: 'ci', facts: { failed: 1 } },
      },
      // Not allowed to push to the product, even when it does not exist: no probing.
      {
        as: 'ci',
        status: 403,
        body: {
          entityRef: 'dataproduct:default/nope',
          source: 'ci',
          facts: { failed: 1 },
        },
      },
    ],
    allowed: {
      as: 'ci',
      status: 201,
      body: { entityRef: OPEN, source: 'ci', facts: { failed: 0 } },
      expectBody: body =>
        expect(body).toEqual(
          expect.objectContaining({ entityRef: OPEN, latest: true }),
        ),
    },
  },
  {
    method: 'post',
    route: '/evaluate',
    guard:
      'authenticated (a dry run of the draft sent, reading the catalog as the caller); drafts with data-mesh.governance.draft.read',
    call: { path: '/evaluate', body: { entity: draft } },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body =>
          expect(body.governance.results.map((r: any) => r.id)).not.toContain(
            'draft-review',
          ),
      },
      // A draft in a domain the caller may not read: its policies do not apply, nothing of
      // them is shown, and the domain is unresolved (as one that does not exist).
      {
        as: 'reader',
        status: 200,
        body: { entity: draftWith({ domain: 'secret-domain' }) },
        expectBody: body => {
          hidesSecret(body);
          expect(outcomes(body.governance.results)).toEqual({
            'domain-exists': 'fail',
            'upstream-not-restricted': 'pass',
          });
        },
      },
      // A draft reading a product the caller may not read: no upstream product is seen.
      {
        as: 'reader',
        status: 200,
        body: {
          entity: draftWith({
            inputPorts: [{ name: 'in', dataProduct: 'secret-product' }],
          }),
        },
        expectBody: body => {
          hidesSecret(body);
          expect(outcomes(body.governance.results)).toEqual({
            'domain-exists': 'pass',
            'upstream-not-restricted': 'pass',
            'open-domain-tagged': 'fail',
          });
        },
      },
      // A draft of a product the caller may not read: none of its stored facts are read.
      {
        as: 'reader',
        status: 200,
        body: { entity: draftWith({}, 'secret-product') },
        expectBody: body =>
          expect(outcomes(body.scorecard.checks)).toEqual({
            any: 'pass',
            'ci-green': 'skipped',
          }),
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body =>
        expect(body.governance.results.map((r: any) => r.id)).toContain(
          'draft-review',
        ),
    },
  },
  {
    method: 'post',
    route: '/evaluate/:kind/:namespace/:name',
    guard: 'data-mesh.evaluate on the product, and catalog.entity.read',
    call: { path: '/evaluate/dataproduct/default/open-product', body: {} },
    denied: [
      { as: 'reader', status: 403 },
      {
        as: 'reader',
        status: 403,
        path: '/evaluate/dataproduct/default/secret-product',
      },
      // The owner of the open product, on another team's.
      {
        as: 'owner',
        status: 403,
        path: '/evaluate/dataproduct/default/others-product',
      },
      // A pipeline's token may push facts, nothing else.
      { as: 'ci', status: 403 },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => expect(body.entityRef).toBe(OPEN),
    },
  },
  {
    method: 'get',
    route: '/scorecards/:kind/:namespace/:name',
    guard: 'catalog.entity.read of the product',
    call: { path: '/scorecards/dataproduct/default/secret-product' },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'reader',
      status: 200,
      path: '/scorecards/dataproduct/default/open-product',
      expectBody: body => expect(body.entityRef).toBe(OPEN),
    },
  },
  {
    method: 'post',
    route: '/scorecards/by-refs',
    guard: 'authenticated; readable products only (null for the others)',
    call: { path: '/scorecards/by-refs', body: { entityRefs: [OPEN, SECRET] } },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          expect(body.items).toEqual([
            expect.objectContaining({ entityRef: OPEN }),
            null,
          ]);
        },
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body =>
        expect(body.items).toEqual([
          expect.objectContaining({ entityRef: OPEN }),
          expect.objectContaining({ entityRef: SECRET }),
        ]),
    },
  },
  {
    method: 'get',
    route: '/scorecards/:kind/:namespace/:name/history',
    guard: 'catalog.entity.read of the product',
    call: { path: '/scorecards/dataproduct/default/secret-product/history' },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => {
        expect(body.entityRef).toBe(SECRET);
        expect(body.items.length).toBeGreaterThan(0);
      },
    },
  },
  {
    method: 'get',
    route: '/governance/:kind/:namespace/:name',
    guard:
      'catalog.entity.read of the product; drafts with data-mesh.governance.draft.read',
    call: { path: '/governance/dataproduct/default/secret-product' },
    denied: [
      { as: 'reader', status: 404 },
      {
        as: 'reader',
        status: 200,
        path: '/governance/dataproduct/default/open-product',
        expectBody: body => {
          expect(body.entityRef).toBe(OPEN);
          expect(body.results.map((r: any) => r.id)).not.toContain(
            'draft-review',
          );
        },
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body => {
        expect(body.entityRef).toBe(SECRET);
        expect(body.results.map((r: any) => r.id)).toContain('draft-review');
      },
    },
  },
  {
    method: 'get',
    route: '/governance',
    guard: 'authenticated; readable products and domains only',
    call: { path: '/governance' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(body.products).toBe(2);
        },
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body => {
        showsSecret(body);
        expect(body.products).toBe(3);
      },
    },
  },
  {
    method: 'get',
    route: '/waivers',
    guard: 'authenticated; waivers of readable products only',
    call: { path: '/waivers' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(body.items.map((w: any) => w.entityRef)).toEqual([OPEN]);
        },
      },
      {
        as: 'reader',
        status: 404,
        path: `/waivers?entityRef=${encodeURIComponent(SECRET)}`,
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body =>
        expect(body.items.map((w: any) => w.entityRef).sort()).toEqual([
          OPEN,
          SECRET,
        ]),
    },
  },
  {
    method: 'get',
    route: '/waivers/:id',
    guard: 'catalog.entity.read of the waiver’s product',
    call: { path: () => `/waivers/${waiverIds.secret}` },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => expect(body.entityRef).toBe(SECRET),
    },
  },
  {
    method: 'post',
    route: '/waivers',
    guard:
      'a user; catalog.entity.read and data-mesh.waiver.request on the product',
    call: {
      path: '/waivers',
      body: {
        entityRef: OPEN,
        policyId: 'domain-exists',
        reason: 'Migrating the domain this quarter',
        expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      },
    },
    denied: [
      { as: 'reader', status: 403 },
      {
        as: 'reader',
        status: 404,
        body: {
          entityRef: SECRET,
          policyId: 'domain-exists',
          reason: 'Migrating the domain this quarter',
          expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        },
      },
      // The owner of the open product, on another team's.
      {
        as: 'owner',
        status: 403,
        body: {
          entityRef: OTHERS,
          policyId: 'domain-exists',
          reason: 'Migrating the domain this quarter',
          expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        },
      },
      // Waivers are requested by people, not by pipelines.
      { as: 'ci', status: 403 },
    ],
    allowed: {
      as: 'owner',
      status: 201,
      expectBody: body =>
        expect(body).toEqual(
          expect.objectContaining({
            entityRef: OPEN,
            policyId: 'domain-exists',
            status: 'pending',
          }),
        ),
    },
  },
  {
    method: 'post',
    route: '/waivers/:id/:action',
    guard: 'a user with data-mesh.waiver.decide who may read the product',
    call: { path: () => `/waivers/${waiverIds.open}/approve`, body: {} },
    denied: [
      { as: 'owner', status: 403 },
      { as: 'reader', status: 403 },
      { as: 'ci', status: 403 },
      {
        as: 'scopedAdmin',
        status: 404,
        path: () => `/waivers/${waiverIds.secret}/approve`,
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body =>
        expect(body).toEqual(
          expect.objectContaining({ entityRef: OPEN, status: 'approved' }),
        ),
    },
  },
  {
    method: 'get',
    route: '/rollups/:groupBy/:namespace/:name',
    guard: 'catalog.entity.read of the domain or team; readable products only',
    call: { path: '/rollups/domain/default/secret-domain' },
    denied: [
      { as: 'reader', status: 404 },
      {
        as: 'reader',
        status: 200,
        path: '/rollups/owner/default/clinical-data',
        expectBody: body => {
          hidesSecret(body);
          expect(body.products).toBe(1);
        },
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      path: '/rollups/owner/default/clinical-data',
      expectBody: body => {
        showsSecret(body);
        expect(body.products).toBe(2);
      },
    },
  },
  {
    method: 'get',
    route: '/products',
    guard: 'authenticated; readable products only',
    call: { path: '/products' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(body.totalCount).toBe(2);
        },
      },
      // Searching for what it may not see finds nothing.
      {
        as: 'reader',
        status: 200,
        path: `/products?q=${MARKER}`,
        expectBody: body =>
          expect(body).toEqual({
            items: [],
            totalCount: 0,
            limit: 25,
            offset: 0,
          }),
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      path: `/products?q=${MARKER}`,
      expectBody: body =>
        expect(body.items.map((i: any) => i.entityRef)).toEqual([SECRET]),
    },
  },
  {
    method: 'get',
    route: '/insight',
    guard: 'authenticated; readable products only',
    call: { path: '/insight' },
    denied: [{ as: 'reader', status: 200, expectBody: hidesSecret }],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body =>
        expect(refsIn(body)).toContain('domain:default/secret-domain'),
    },
  },
  {
    method: 'get',
    route: '/domain-map',
    guard: 'authenticated; readable domains and products only',
    call: { path: '/domain-map' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(body.products).toEqual([
            expect.objectContaining({ entityRef: OPEN }),
            expect.objectContaining({ entityRef: OTHERS }),
          ]);
          expect(body.edges).toEqual([]);
        },
      },
    ],
    allowed: {
      as: 'admin',
      status: 200,
      expectBody: body => {
        showsSecret(body);
        expect(body.edges).toEqual([{ from: SECRET, to: OPEN }]);
      },
    },
  },
  {
    method: 'get',
    route: '/contract-tests/:kind/:namespace/:name',
    guard: 'catalog.entity.read of the product',
    call: { path: '/contract-tests/dataproduct/default/secret-product' },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => {
        expect(body.entityRef).toBe(SECRET);
        expect(body.contracts[0].latest.id).toBe(secretRunId);
      },
    },
  },
  {
    method: 'post',
    route: '/contract-tests/:kind/:namespace/:name/runs',
    guard:
      'data-mesh.contract-test.run on the product, and catalog.entity.read',
    call: { path: '/contract-tests/dataproduct/default/open-product/runs' },
    denied: [
      { as: 'reader', status: 403 },
      { as: 'ci', status: 403 },
      {
        as: 'owner',
        status: 403,
        path: '/contract-tests/dataproduct/default/others-product/runs',
      },
      {
        as: 'scopedAdmin',
        status: 404,
        path: '/contract-tests/dataproduct/default/secret-product/runs',
      },
    ],
    allowed: {
      as: 'owner',
      status: 201,
      expectBody: body =>
        expect(body).toEqual(expect.objectContaining({ entityRef: OPEN })),
    },
  },
  {
    method: 'get',
    route: '/contract-tests/runs/:runId',
    guard: 'catalog.entity.read of the run’s product',
    call: { path: () => `/contract-tests/runs/${secretRunId}` },
    denied: [{ as: 'reader', status: 404 }],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => expect(body.entityRef).toBe(SECRET),
    },
  },
  {
    method: 'post',
    route: '/access-requests',
    guard:
      'a user; catalog.entity.read and data-mesh.access.request on the product',
    call: { path: '/access-requests', body: accessRequest(OTHERS, 'extract') },
    denied: [
      // No data-mesh.access.request.
      { as: 'reader', status: 403 },
      {
        as: 'reader',
        status: 404,
        body: accessRequest(SECRET, 'records'),
      },
      {
        as: 'scopedAdmin',
        status: 404,
        body: accessRequest(SECRET, 'records', 'group:default/research-data'),
      },
      // Access is requested by people, not by pipelines.
      { as: 'ci', status: 403 },
    ],
    allowed: {
      as: 'owner',
      status: 201,
      expectBody: body =>
        expect(body).toMatchObject({
          productRef: OTHERS,
          outputPort: 'extract',
          consumerRef: 'group:default/clinical-data',
          state: 'requested',
          requestedBy: OWNER,
        }),
    },
  },
  {
    method: 'post',
    route: '/access-requests/:id/:action',
    guard:
      'a user with data-mesh.access.decide on the product who may read it; never on their own request',
    call: { path: () => `/access-requests/${agreementIds.open}/approve` },
    denied: [
      { as: 'reader', status: 403 },
      { as: 'ci', status: 403 },
      // The owner of the open product, on another team's.
      {
        as: 'owner',
        status: 403,
        path: () => `/access-requests/${agreementIds.active}/revoke`,
      },
      // Their own request, on their own product.
      {
        as: 'owner',
        status: 403,
        path: () => `/access-requests/${agreementIds.own}/approve`,
      },
      {
        as: 'reader',
        status: 404,
        path: () => `/access-requests/${agreementIds.secret}/reject`,
      },
      {
        as: 'scopedAdmin',
        status: 404,
        path: () => `/access-requests/${agreementIds.secret}/approve`,
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body =>
        expect(body).toMatchObject({
          productRef: OPEN,
          state: 'active',
          decidedBy: OWNER,
        }),
    },
  },
  {
    method: 'get',
    route: '/access-requests',
    guard: 'authenticated; agreements of readable products only',
    call: { path: '/access-requests' },
    denied: [
      {
        as: 'reader',
        status: 200,
        expectBody: body => {
          hidesSecret(body);
          expect(idsOf(body)).toContain(agreementIds.active);
          expect(idsOf(body)).not.toContain(agreementIds.secret);
        },
      },
      {
        as: 'reader',
        status: 404,
        path: `/access-requests?productRef=${encodeURIComponent(SECRET)}`,
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      path: `/access-requests?productRef=${encodeURIComponent(SECRET)}`,
      expectBody: body => expect(idsOf(body)).toEqual([agreementIds.secret]),
    },
  },
  {
    method: 'get',
    route: '/access-requests/:id',
    guard: 'catalog.entity.read of the agreement’s product',
    call: { path: () => `/access-requests/${agreementIds.secret}` },
    denied: [
      { as: 'reader', status: 404 },
      { as: 'scopedAdmin', status: 404 },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body =>
        expect(body).toMatchObject({ productRef: SECRET, state: 'requested' }),
    },
  },
  {
    method: 'get',
    route: '/data/:kind/:namespace/:name/ports/:port/preview',
    guard:
      'a user who may read the product: its owners (data-mesh.access.decide), or members of a consumer with an active agreement on the port, restricted values masked',
    call: {
      path: '/data/dataproduct/default/others-product/ports/table/preview',
    },
    denied: [
      // May read the product, but neither owns it nor has an agreement.
      { as: 'reader', status: 403 },
      {
        as: 'reader',
        status: 404,
        path: '/data/dataproduct/default/secret-product/ports/records/preview',
      },
      { as: 'ci', status: 403 },
      // A member of the consumer of the active agreement: restricted values masked.
      {
        as: 'owner',
        status: 200,
        expectBody: body => {
          expect(body.agreementId).toBe(agreementIds.active);
          expect(body.tables[0].masked).toEqual(['email']);
          expect(body.tables[0].rows[0]).toEqual([1, null]);
          expect(JSON.stringify(body)).not.toContain('@example.com');
        },
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      path: '/data/dataproduct/default/open-product/ports/table/preview',
      expectBody: body => {
        expect(body.agreementId).toBeUndefined();
        expect(body.tables[0].masked).toEqual([]);
        expect(body.tables[0].rows[0]).toEqual([1, 'c1@example.com']);
      },
    },
  },
  {
    method: 'post',
    route: '/contracts/impact',
    guard:
      'catalog.entity.read of the contract; consumers the caller may read only',
    call: {
      path: '/contracts/impact',
      body: {
        contractRef: 'api:default/secret-contract',
        definition: secretContract('2.0.0'),
      },
    },
    denied: [
      { as: 'reader', status: 404 },
      { as: 'scopedAdmin', status: 404 },
      // A contract it may read: the consumers it may not read are left out.
      {
        as: 'reader',
        status: 200,
        body: lakeImpact,
        expectBody: body => {
          hidesSecret(body);
          expect(body.breaking).toBe(true);
          expect(consumerRefs(body)).toContain('group:default/clinical-data');
        },
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      body: lakeImpact,
      expectBody: body =>
        expect(body.consumers).toContainEqual(
          expect.objectContaining({
            entityRef: SECRET,
            kind: 'input-port',
            port: 'lake',
          }),
        ),
    },
  },
  {
    method: 'get',
    route: '/contracts/:kind/:namespace/:name/versions',
    guard: 'catalog.entity.read of the contract',
    call: { path: '/contracts/api/default/secret-contract/versions' },
    denied: [
      { as: 'reader', status: 404 },
      { as: 'scopedAdmin', status: 404 },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body =>
        expect(body).toEqual({
          contractRef: 'api:default/secret-contract',
          items: [expect.objectContaining({ version: '1.0.0' })],
        }),
    },
  },
  {
    method: 'get',
    route: '/contracts/:kind/:namespace/:name/diff',
    guard: 'catalog.entity.read of the contract',
    call: {
      path: '/contracts/api/default/secret-contract/diff?from=1.0.0&to=1.0.0',
    },
    denied: [
      { as: 'reader', status: 404 },
      { as: 'scopedAdmin', status: 404 },
      // Not the 400 saying there is no definition before its only version.
      {
        as: 'reader',
        status: 404,
        path: '/contracts/api/default/secret-contract/diff',
      },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body =>
        expect(body).toMatchObject({
          contractRef: 'api:default/secret-contract',
          from: { version: '1.0.0' },
          to: { version: '1.0.0' },
          changes: [],
        }),
    },
  },
  {
    method: 'get',
    route: '/provisioning/servers',
    guard:
      'signed in; configuration only: the servers dataMesh.provisioning lets the domain use',
    call: { path: '/provisioning/servers?domain=open-domain' },
    denied: [],
    allowed: {
      as: 'reader',
      status: 200,
      expectBody: body =>
        expect(body.items).toEqual([
          expect.objectContaining({
            id: 'lake',
            type: 'duckdb',
            schema: 'open_domain',
          }),
        ]),
    },
  },
  ...(['plan', 'apply'] as const).map(
    (step): Row => ({
      method: 'post',
      route: `/provisioning/${step}`,
      guard:
        'a user in the product’s owning group (the catalog’s owner over a draft’s) with data-mesh.output-port.provision',
      call: {
        path: `/provisioning/${step}`,
        body: provisionTable('open-product'),
      },
      denied: [
        { as: 'reader', status: 403 },
        { as: 'ci', status: 403 },
        // A draft claiming another team's product for the owner's team.
        { as: 'owner', status: 403, body: provisionTable('others-product') },
        // A draft claiming the hidden product for another team: refused.
        {
          as: 'reader',
          status: 403,
          body: provisionTable('secret-product', 'research-data'),
          // Not even who owns it.
          expectBody: body =>
            expect(body.error.message).not.toContain('clinical-data'),
        },
        {
          as: 'scopedAdmin',
          status: 403,
          body: provisionTable('secret-product', 'research-data'),
          // Not even who owns it.
          expectBody: body =>
            expect(body.error.message).not.toContain('clinical-data'),
        },
      ],
      allowed: {
        as: 'owner',
        status: 200,
        expectBody: body =>
          expect(body).toMatchObject({
            entityRef: OPEN,
            applied: step === 'apply',
            ports: [
              {
                port: 'table',
                objects: [
                  { table: '"open_domain"."customers"', action: 'create' },
                ],
              },
            ],
          }),
      },
    }),
  ),
  {
    method: 'get',
    route: '/provisioning/:kind/:namespace/:name/retirement',
    guard: 'catalog.entity.read of the product',
    call: {
      path: '/provisioning/dataproduct/default/secret-product/retirement',
    },
    denied: [
      { as: 'reader', status: 404 },
      { as: 'scopedAdmin', status: 404 },
    ],
    allowed: {
      as: 'owner',
      status: 200,
      expectBody: body => expect(body).toEqual({ entityRef: SECRET }),
    },
  },
];

/** The data mesh config of the suites, with `facts` (the pipelines) as given. */
function securityDataMesh(facts: JsonObject): JsonObject {
  return {
    facts,
    scorecards: {
      defaultChecks: false,
      checks: [
        { id: 'any', title: 'Any', rule: 'true' },
        {
          id: 'ci-green',
          title: 'CI is green',
          appliesTo: 'has(facts.ci)',
          rule: 'facts.ci.failed == 0',
        },
      ],
      schedule: QUIET_SCHEDULE,
    },
    governance: {
      defaultPolicies: false,
      policies: [
        { id: 'domain-exists', rule: 'domain != null' },
        { id: 'draft-review', enforcement: 'draft', rule: 'true' },
        {
          id: 'upstream-not-restricted',
          rule: "upstream.all(u, u.spec.classification != 'restricted')",
        },
      ],
      waivers: { maxDays: 30, schedule: QUIET_SCHEDULE },
    },
  };
}

/** The routes the router registers, as `METHOD /path/{param}`. */
async function registeredRoutes(): Promise<string[]> {
  // Registering routes reads the configuration and asks for the database client; it calls
  // none of the other services.
  const unused = {} as never;
  const router = await createRouter({
    database: { getClient: async () => unused },
    evaluations: {
      config: readDataMeshBackendConfig(mockServices.rootConfig()),
    },
    access: {},
    preview: {},
    // As the plugin wires them: the contract evolution and provisioning routes too.
    contractImpact: {},
    contractHistory: {},
    provisioning: {},
    retirement: {},
  } as unknown as RouterOptions);
  return servedRoutes(router);
}

describe('the security table of the data mesh API', () => {
  let backend: TestBackend;
  // The backend's scheduler, to run the contract history pass once the catalog holds the
  // contracts (its schedule waits a minute).
  const scheduler = mockServices.scheduler() as ReturnType<
    typeof mockServices.scheduler
  > & { factory: typeof mockServices.scheduler.factory };

  const send = (method: Row['method'], call: Call, as: Caller) => {
    const path = typeof call.path === 'function' ? call.path() : call.path;
    const req = request(backend.server)
      [method](`/api/data-mesh${path}`)
      .set('Authorization', AUTHORIZATION[as]());
    return method === 'post' ? req.send(call.body ?? {}) : req;
  };

  beforeAll(async () => {
    const instance = await DuckDBInstance.create(lake);
    const connection = await instance.connect();
    await connection.run(
      "CREATE TABLE customers AS SELECT i AS id, 'c' || i || '@example.com' AS email FROM range(1, 4) t(i)",
    );
    connection.closeSync();
    instance.closeSync();
    backend = await startRouteTestBackend({
      catalog: docs,
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      config: PERMISSION_ENABLED,
      dataMesh: {
        ...securityDataMesh({
          pipelines: [
            { subject: CI_SUBJECT, domains: ['open-domain'] },
            { subject: 'other-pipeline', entityRefs: [SECRET] },
          ],
        }),
        servers: { lake: { type: 'duckdb', path: lake } },
        provisioning: { servers: { lake: { domains: ['open-domain'] } } },
      },
      features: [
        ...permissions,
        notificationsStub().factory,
        scheduler.factory(),
      ],
    });
    await waitForRelation(
      backend,
      'secret-product',
      'dependsOn',
      AUTHORIZATION.admin(),
    );
    await evaluateProducts(
      backend,
      ['open-product', 'secret-product', 'others-product'],
      AUTHORIZATION.admin(),
    );
    // Stored facts of the secret product, which a dry run must not read for the reader.
    const pushed = await send(
      'post',
      {
        path: '/facts',
        body: { entityRef: SECRET, source: 'ci', facts: { failed: 1 } },
      },
      'admin',
    );
    if (pushed.status !== 201) {
      throw new Error(`Pushing facts answered ${pushed.status}`);
    }
    // A contract test run of the secret product, for the contract test rows.
    const run = await send(
      'post',
      { path: '/contract-tests/dataproduct/default/secret-product/runs' },
      'admin',
    );
    if (run.status !== 201) {
      throw new Error(`Running contract tests answered ${run.status}`);
    }
    secretRunId = run.body.contracts[0].latest.id;
    // A pending waiver on each product, for the waiver rows.
    for (const [key, entityRef, policyId] of [
      ['open', OPEN, 'open-domain-tagged'],
      ['secret', SECRET, `${MARKER}-policy`],
    ] as const) {
      const res = await send(
        'post',
        {
          path: '/waivers',
          body: {
            entityRef,
            policyId,
            reason: `Tags come with the next release (${key})`,
            expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
          },
        },
        'owner',
      );
      if (res.status !== 201) {
        throw new Error(`Requesting a waiver answered ${res.status}`);
      }
      waiverIds[key] = res.body.id;
    }
    // Usage agreements, for the access and preview rows.
    await waitFor('the ports’ contract in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/api/default/lake-contract')
        .set('Authorization', AUTHORIZATION.admin());
      return res.status === 200;
    });
    for (const [key, as, body] of [
      ['active', 'owner', accessRequest(OTHERS, 'table')],
      [
        'open',
        'admin',
        accessRequest(OPEN, 'table', 'group:default/research-data'),
      ],
      [
        'secret',
        'admin',
        accessRequest(SECRET, 'records', 'group:default/research-data'),
      ],
      ['own', 'owner', accessRequest(OPEN, 'table')],
    ] as const) {
      const res = await send('post', { path: '/access-requests', body }, as);
      if (res.status !== 201) {
        throw new Error(`Requesting access answered ${res.status}`);
      }
      agreementIds[key] = res.body.id;
    }
    const approved = await send(
      'post',
      { path: `/access-requests/${agreementIds.active}/approve` },
      'admin',
    );
    if (approved.body.state !== 'active') {
      throw new Error(`Approving answered ${approved.status} ${approved.text}`);
    }
    // The contracts' first versions, for the contract history rows.
    await waitFor('the secret contract in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/api/default/secret-contract')
        .set('Authorization', AUTHORIZATION.admin());
      return res.status === 200;
    });
    await scheduler.triggerTask('data-mesh-contract-history');
  });

  afterAll(() => backend?.stop());

  it('has a row for every route the router registers, and no other', async () => {
    expect((await registeredRoutes()).sort()).toEqual(
      table
        .map(
          row =>
            `${row.method.toUpperCase()} ${row.route.replace(
              /:(\w+)/g,
              '{$1}',
            )}`,
        )
        .sort(),
    );
  });

  // The leak cases of the dry run above, for a caller who may read what they name: the same
  // drafts see the hidden domain's policy, the restricted upstream and the stored facts.
  it('shows a dry run what its caller may read: domains, upstream products, stored facts', async () => {
    const dryRun = async (entity: object) => {
      const res = await send(
        'post',
        { path: '/evaluate', body: { entity } },
        'admin',
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    const inSecretDomain = await dryRun(draftWith({ domain: 'secret-domain' }));
    expect(outcomes(inSecretDomain.governance.results)).toMatchObject({
      'domain-exists': 'pass',
      [`${MARKER}-policy`]: 'fail',
    });
    const readingSecret = await dryRun(
      draftWith({
        inputPorts: [{ name: 'in', dataProduct: 'secret-product' }],
      }),
    );
    expect(outcomes(readingSecret.governance.results)).toMatchObject({
      'upstream-not-restricted': 'fail',
    });
    // The secret product's stored ci facts ({ failed: 1 }).
    const secretDraft = await dryRun(draftWith({}, 'secret-product'));
    expect(outcomes(secretDraft.scorecard.checks)).toEqual({
      any: 'pass',
      'ci-green': 'fail',
    });
  });

  describe.each(table)('$method $route ($guard)', row => {
    if (row.public) {
      it('answers without credentials', async () => {
        const res = await send(row.method, row.call, 'none');
        expect(res.status).toBe(row.allowed.status);
        row.allowed.expectBody?.(res.body);
      });
    } else {
      it('refuses a caller without credentials with 401', async () => {
        const res = await send(row.method, row.call, 'none');
        expect(res.status).toBe(401);
        expect(res.body.error.name).toBe('AuthenticationError');
        hidesSecret(res.body);
      });
    }

    // Health has no caller to deny: it answers everyone, with its status only.
    if (row.denied.length) {
      it.each(row.denied.map((c, i) => ({ ...c, i })))(
        'gives $as $status (case $i): nothing it may not see',
        async denial => {
          const res = await send(
            row.method,
            {
              path: denial.path ?? row.call.path,
              body: denial.body ?? row.call.body,
            },
            denial.as,
          );
          // An error says what is wrong and carries no data.
          const errorBody = {
            error: expect.objectContaining({
              name: denial.status === 403 ? 'NotAllowedError' : 'NotFoundError',
            }),
            request: expect.anything(),
            response: { statusCode: denial.status },
          };
          expect({ status: res.status, body: res.body }).toEqual({
            status: denial.status,
            body: denial.status >= 400 ? errorBody : res.body,
          });
          expect(JSON.stringify(res.body)).not.toContain(MARKER);
          denial.expectBody?.(res.body);
        },
      );
    }

    it(`lets ${row.allowed.as} through with ${row.allowed.status}`, async () => {
      const res = await send(
        row.method,
        {
          path: row.allowed.path ?? row.call.path,
          body: row.allowed.body ?? row.call.body,
        },
        row.allowed.as,
      );
      expect(res.status).toBe(row.allowed.status);
      row.allowed.expectBody?.(res.body);
    });
  });
});

describe('pushing facts without dataMesh.facts.pipelines', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: docs,
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      config: PERMISSION_ENABLED,
      dataMesh: securityDataMesh({}),
      features: [...permissions, notificationsStub().factory],
    });
    for (const product of ['open-product', 'others-product']) {
      await waitForRelation(backend, product, 'ownedBy', AUTHORIZATION.admin());
    }
  });

  afterAll(() => backend?.stop());

  const push = (entityRef: string, as: Caller) =>
    request(backend.server)
      .post('/api/data-mesh/facts')
      .set('Authorization', AUTHORIZATION[as]())
      .send({ entityRef, source: 'ci', facts: { failed: 0 } });

  it('lets a pipeline push for no product: denied by default', async () => {
    for (const entityRef of [OPEN, SECRET, OTHERS]) {
      const res = await push(entityRef, 'ci');
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 403,
        error: expect.objectContaining({
          name: 'NotAllowedError',
          message: `Pipeline ${CI_SUBJECT} may not push facts for ${entityRef}: no scope of dataMesh.facts.pipelines for its subject covers it`,
        }),
      });
    }
    // Nothing was stored or evaluated.
    const scorecard = await request(backend.server)
      .get('/api/data-mesh/scorecards/dataproduct/default/open-product')
      .set('Authorization', AUTHORIZATION.admin());
    expect(scorecard.status).toBe(404);
  });

  it('lets users push as the permission policy decides: owners for their products', async () => {
    expect((await push(OPEN, 'owner')).status).toBe(201);
    expect((await push(OTHERS, 'owner')).status).toBe(403);
    expect((await push(OTHERS, 'admin')).status).toBe(201);
  });
});
