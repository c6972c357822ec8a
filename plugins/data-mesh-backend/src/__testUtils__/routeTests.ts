import {
  BackstageCredentials,
  BackstageUserPrincipal,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import request from 'supertest';
import YAML from 'yaml';
import { dataMeshPlugin } from '../plugin';
import { catalogYaml, TestBackend, user, waitFor } from './backends';
import { checkResponsesAgainstSpec } from './openApiResponses';

/*
 * The set-up shared by the suites that test the data mesh routes on a test backend: the
 * backend itself, its permissions and notifications, and the catalogs two or more suites use.
 */

/** A schedule that does not fire during a test: the suites evaluate on demand instead. */
export const QUIET_SCHEDULE = {
  frequency: { hours: 24 },
  timeout: { minutes: 1 },
  initialDelay: { hours: 1 },
};

/** The user entity ref of the caller; undefined for a service. */
export function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as Partial<BackstageUserPrincipal>;
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

type Decision = AuthorizeResult.ALLOW | AuthorizeResult.DENY;

/**
 * A permissions service deciding every request by caller: `decide` answers each permission by
 * name, `catalogRead` the conditional requests (only the catalog's read is asked that way here;
 * the real catalog turns a condition into a filter). Without `catalogRead` all may read it.
 */
export function mockPermissions(
  decide: (permission: string, credentials: BackstageCredentials) => Decision,
  catalogRead: (credentials: BackstageCredentials) => PolicyDecision = () => ({
    result: AuthorizeResult.ALLOW,
  }),
) {
  return mockServices.permissions.mock({
    async authorize(requests: EvaluatePermissionRequest[], options) {
      return requests.map(r => ({
        result: decide(r.permission.name, options.credentials),
      }));
    },
    async authorizeConditional(requests, options) {
      return requests.map(() => catalogRead(options.credentials));
    },
  }).factory;
}

/** A notification as the suites check it: to whom (an entity ref, '*' for all) and its title. */
export interface SentNotification {
  entityRef: unknown;
  title: string;
}

/**
 * A notification service that only records what it is asked to send: the test backend has no
 * notifications backend for the default one to call, and the suites check what was sent.
 */
export function notificationsStub() {
  const sent: SentNotification[] = [];
  const factory = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({
      async send({ recipients, payload }) {
        sent.push({
          entityRef: recipients.type === 'entity' ? recipients.entityRef : '*',
          title: payload.title,
        });
      },
    }),
  });
  return { factory, sent };
}

/** An entity of a catalog file, before catalogDocs fills in the defaults. */
export interface CatalogDoc {
  apiVersion?: string;
  kind: string;
  metadata: { name: string } & JsonObject;
  spec?: JsonObject;
}

/** Docs with what a suite leaves out: Backstage's apiVersion, and the spec of a Group. */
export function catalogDocs(docs: CatalogDoc[]) {
  return docs.map(doc => ({
    apiVersion: 'backstage.io/v1alpha1',
    ...doc,
    spec: doc.spec ?? { type: 'team', children: [] },
  }));
}

/**
 * Starts the catalog (with the data mesh kinds) and the data mesh backend, the catalog reading
 * one file of `catalog` (YAML text, or docs) and accepting `kinds` from it. `features` adds to
 * or replaces services, such as permissions and notifications; `config` adds root config keys
 * (such as `permission`). A response of the data mesh API that breaks its OpenAPI spec fails
 * the test that caused it.
 */
export async function startRouteTestBackend(options: {
  catalog: string | CatalogDoc[];
  kinds?: string[];
  dataMesh: JsonObject;
  config?: JsonObject;
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<TestBackend> {
  const dir = createMockDirectory();
  dir.setContent({
    'catalog-info.yaml':
      typeof options.catalog === 'string'
        ? options.catalog
        : catalogDocs(options.catalog)
            .map(doc => YAML.stringify(doc))
            .join('---\n'),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleDataMesh,
      dataMeshPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          catalog: {
            rules: [
              {
                allow: options.kinds ?? [
                  'DataProduct',
                  'Domain',
                  'Group',
                  'Location',
                ],
              },
            ],
            locations: [
              { type: 'file', target: `${dir.path}/catalog-info.yaml` },
            ],
          },
          dataMesh: options.dataMesh,
        },
      }),
      ...(options.features ?? []),
    ],
  });
  checkResponsesAgainstSpec(backend.server);
  return backend;
}

/**
 * Waits until the catalog has processed the product and given it a relation (of `type`, if
 * given): it reads its file after the backend starts, and the routes follow the relations.
 */
export async function waitForRelation(
  backend: TestBackend,
  product: string,
  type?: string,
  authorization = user,
) {
  await waitFor(
    `${type ? `a ${type} relation` : 'relations'} of ${product}`,
    async () => {
      const res = await request(backend.server)
        .get(`/api/catalog/entities/by-name/dataproduct/default/${product}`)
        .set('Authorization', authorization);
      return res.body.relations?.some((r: any) => !type || r.type === type);
    },
    30_000,
  );
}

/** Evaluates each product now, so that the suite reads stored results. */
export async function evaluateProducts(
  backend: TestBackend,
  products: string[],
  authorization: string,
) {
  for (const name of products) {
    const res = await request(backend.server)
      .post(`/api/data-mesh/evaluate/dataproduct/default/${name}`)
      .set('Authorization', authorization)
      .send({});
    if (res.status !== 200) {
      throw new Error(`Evaluating ${name} answered ${res.status}`);
    }
  }
}

/**
 * Requests to the data mesh API as a user (`defaultUser` unless given). The backend is asked
 * for at each request, as a suite creates these before its beforeAll starts the backend.
 */
export function dataMeshApi(backendOf: () => TestBackend, defaultUser: string) {
  const as = (caller: string) => mockCredentials.user.header(caller);
  return {
    get: (path: string, caller = defaultUser) =>
      request(backendOf().server)
        .get(`/api/data-mesh${path}`)
        .set('Authorization', as(caller)),
    post: (path: string, body: object, caller = defaultUser) =>
      request(backendOf().server)
        .post(`/api/data-mesh${path}`)
        .set('Authorization', as(caller))
        .send(body),
  };
}

/**
 * The sales mesh of the scorecard and API suites: the sales-data team and its sales domain (of
 * catalogYaml) with the orders product, whose purpose is documented (a suite adds after it).
 */
export const SALES_CATALOG = `${catalogYaml(0)}---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: orders }
spec:
  owner: sales-data
  domain: sales
  status: active
  purpose: Every order placed in the web shop, cleaned.
`;

/*
 * The hospital mesh of the home and governance suites, with its users and global policies.
 */

/** A governance admin. */
export const ADMIN = 'user:default/grace';
/** A product owner. */
export const OWNER = 'user:default/ada';
/** Anyone else. */
export const OUTSIDER = 'user:default/mallory';

/**
 * What the users of the hospital mesh may do: catalog permissions are allowed for everyone;
 * of the data mesh ones the admin has all, the owner may request waivers, anyone else none.
 */
export function hospitalRoles(
  permission: string,
  credentials: BackstageCredentials,
): Decision {
  const caller = userOf(credentials);
  if (!permission.startsWith('data-mesh.')) return AuthorizeResult.ALLOW;
  if (caller === ADMIN) return AuthorizeResult.ALLOW;
  if (caller === OWNER && permission === 'data-mesh.waiver.request') {
    return AuthorizeResult.ALLOW;
  }
  return AuthorizeResult.DENY;
}

/**
 * The governance config of the hospital mesh: two global policies (personal data is
 * protected, a product's domain exists) and waivers of at most 30 days.
 */
export const HOSPITAL_GOVERNANCE = {
  defaultPolicies: false,
  policies: [
    {
      id: 'personal-data-protected',
      title: 'Personal data is confidential or restricted',
      appliesTo: 'has(entity.spec.personalData) && entity.spec.personalData',
      rule: "entity.spec.classification in ['confidential', 'restricted']",
      remediation: 'Set spec.classification to confidential or restricted.',
    },
    { id: 'domain-exists', rule: 'domain != null' },
  ],
  waivers: { maxDays: 30, schedule: QUIET_SCHEDULE },
};

const DATA_MESH = 'datamesh-portal.io/v1alpha1';

/**
 * The entities of the hospital mesh: two teams; a hospital domain with a warning policy and
 * its subdomains clinical and research (whose policy refuses restricted upstream data, beside
 * a draft and a retired one); a rogue domain the catalog refuses, as it reuses a global
 * policy's id; and three products: restricted patient-records, cohort-study reading it, and
 * leaky-extract in the rogue domain. `more` adds fields to a product's metadata and spec, by
 * name, for a suite that reads more of them.
 */
export function hospitalMesh(
  more: Record<string, { metadata?: JsonObject; spec?: JsonObject }> = {},
): CatalogDoc[] {
  const product = (
    metadata: CatalogDoc['metadata'],
    spec: JsonObject,
  ): CatalogDoc => ({
    apiVersion: DATA_MESH,
    kind: 'DataProduct',
    metadata: { ...metadata, ...more[metadata.name]?.metadata },
    spec: { ...spec, ...more[metadata.name]?.spec },
  });
  return [
    { kind: 'Group', metadata: { name: 'clinical-data' } },
    { kind: 'Group', metadata: { name: 'research-data' } },
    {
      apiVersion: DATA_MESH,
      kind: 'Domain',
      metadata: { name: 'hospital' },
      spec: {
        owner: 'clinical-data',
        policies: [
          {
            id: 'tagged',
            title: 'Products are tagged',
            severity: 'warning',
            enforcement: 'warn',
            rule: 'has(entity.metadata.tags)',
            remediation: 'Add tags.',
          },
        ],
      },
    },
    {
      apiVersion: DATA_MESH,
      kind: 'Domain',
      metadata: { name: 'clinical' },
      spec: { owner: 'clinical-data', subdomainOf: 'hospital' },
    },
    {
      apiVersion: DATA_MESH,
      kind: 'Domain',
      metadata: { name: 'research' },
      spec: {
        owner: 'research-data',
        subdomainOf: 'hospital',
        policies: [
          {
            id: 'de-identified-input',
            title: 'Research reads de-identified data only',
            rule: "upstream.all(u, u.spec.classification != 'restricted')",
            remediation: 'Read from a de-identified product.',
          },
          { id: 'cohort-size', enforcement: 'draft', rule: 'false' },
          { id: 'old-rule', enforcement: 'retired', rule: 'false' },
        ],
      },
    },
    // Tries to switch off a global policy by reusing its id: the catalog refuses the domain.
    {
      apiVersion: DATA_MESH,
      kind: 'Domain',
      metadata: { name: 'rogue' },
      spec: {
        owner: 'research-data',
        policies: [{ id: 'personal-data-protected', rule: 'true' }],
      },
    },
    product(
      { name: 'patient-records', tags: ['ehr'] },
      {
        owner: 'clinical-data',
        domain: 'clinical',
        status: 'active',
        personalData: true,
        classification: 'restricted',
      },
    ),
    product(
      { name: 'cohort-study' },
      {
        owner: 'research-data',
        domain: 'research',
        status: 'active',
        classification: 'internal',
        inputPorts: [{ name: 'patients', dataProduct: 'patient-records' }],
      },
    ),
    product(
      { name: 'leaky-extract', tags: ['ehr'] },
      {
        owner: 'clinical-data',
        domain: 'rogue',
        status: 'draft',
        personalData: true,
        classification: 'internal',
      },
    ),
  ];
}

/**
 * Waits for the lineage of the hospital mesh (cohort-study reads patient-records), then
 * evaluates its three products as the admin: the suites read their stored results.
 */
export async function evaluateHospitalMesh(backend: TestBackend) {
  const admin = mockCredentials.user.header(ADMIN);
  await waitForRelation(backend, 'cohort-study', 'dependsOn', admin);
  await evaluateProducts(
    backend,
    ['patient-records', 'cohort-study', 'leaky-extract'],
    admin,
  );
}
