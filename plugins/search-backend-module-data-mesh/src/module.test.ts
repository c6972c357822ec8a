import {
  BackstageCredentials,
  BackstageUserPrincipal,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import searchPlugin from '@backstage/plugin-search-backend';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
// The collator reads scorecards from the real data mesh backend, started beside search.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import dataMeshPlugin from '@datamesh-portal/plugin-data-mesh-backend';
import request from 'supertest';
import YAML from 'yaml';
import { searchModuleDataMesh } from './module';

jest.setTimeout(60_000);

const READER = 'user:default/ada';
// May read everything in the catalog but the restricted product.
const OUTSIDER = 'user:default/mallory';

const permissions = mockServices.permissions.mock({
  async authorize(requests, options) {
    const { principal } = options.credentials as BackstageCredentials<
      BackstageUserPrincipal | { type: 'service' }
    >;
    const outsider =
      'userEntityRef' in principal && principal.userEntityRef === OUTSIDER;
    return requests.map(r => ({
      result:
        outsider &&
        'resourceRef' in r &&
        r.resourceRef === 'dataproduct:default/patient-records'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  },
  // The outsider's catalog reads are conditional, so the search asks about each result.
  async authorizeConditional(requests, options) {
    const { principal } = options.credentials as BackstageCredentials<
      BackstageUserPrincipal | { type: 'service' }
    >;
    const outsider =
      'userEntityRef' in principal && principal.userEntityRef === OUTSIDER;
    return requests.map(() =>
      outsider
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['DataProduct'] },
            },
          }
        : { result: AuthorizeResult.ALLOW },
    ) as Awaited<ReturnType<PermissionsService['authorizeConditional']>>;
  },
});

const notifications = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({ async send() {} }),
});

const entities = [
  { kind: 'Group', metadata: { name: 'clinical-data' } },
  {
    kind: 'Domain',
    metadata: { name: 'clinical', title: 'Clinical' },
    spec: { owner: 'clinical-data' },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'patient-records',
      title: 'Patient Records',
      description: 'Identified patients and their encounters',
      tags: ['ehr'],
    },
    spec: {
      owner: 'clinical-data',
      domain: 'clinical',
      status: 'active',
      type: 'source-aligned',
      classification: 'restricted',
      personalData: true,
      purpose: 'The hospital record of every patient',
      outputPorts: [
        {
          name: 'encounters',
          type: 'table',
          contract: 'patient-records-contract',
        },
      ],
    },
  },
  {
    kind: 'API',
    metadata: { name: 'patient-records-contract' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'clinical-data',
      definition: YAML.stringify({
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: 'patient-records-contract',
        version: '1.0.0',
        status: 'active',
        schema: [
          {
            name: 'admissions',
            properties: [
              {
                name: 'diagnosis',
                logicalType: 'object',
                properties: [{ name: 'icd10_code', logicalType: 'string' }],
              },
            ],
          },
        ],
      }),
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'bed-occupancy' },
    spec: { owner: 'clinical-data', domain: 'clinical', status: 'draft' },
  },
].map(doc => ({
  apiVersion: 'backstage.io/v1alpha1',
  ...doc,
  spec: doc.spec ?? { type: 'team', children: [] },
}));

describe('the data product search collator', () => {
  const dir = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  const search = (term: string, user = READER) =>
    request(backend.server)
      .get('/api/search/query')
      .query(`term=${encodeURIComponent(term)}&types[0]=data-product`)
      .set('Authorization', mockCredentials.user.header(user));

  beforeAll(async () => {
    dir.setContent({
      'catalog-info.yaml': entities.map(e => YAML.stringify(e)).join('---\n'),
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDataMesh,
        dataMeshPlugin,
        searchPlugin,
        searchModuleDataMesh,
        permissions.factory,
        notifications,
        // The real scheduler: tasks run on their schedules, as in a portal.
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [
                {
                  allow: ['DataProduct', 'Domain', 'API', 'Group', 'Location'],
                },
              ],
              locations: [
                { type: 'file', target: `${dir.path}/catalog-info.yaml` },
              ],
            },
            dataMesh: {
              scorecards: {
                defaultChecks: false,
                checks: [
                  {
                    id: 'described',
                    title: 'Described',
                    rule: 'has(entity.metadata.description)',
                    level: 'bronze',
                  },
                ],
                schedule: {
                  frequency: { seconds: 1 },
                  timeout: { minutes: 1 },
                },
              },
              governance: { defaultPolicies: false },
            },
            search: {
              collators: {
                dataMesh: {
                  schedule: {
                    frequency: { seconds: 1 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  /** Polls the search until a result satisfies the condition. */
  async function eventually(
    term: string,
    ok: (results: any[]) => boolean,
    user = READER,
  ) {
    let results: any[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await search(term, user);
      results = res.body.results ?? [];
      if (res.status === 200 && ok(results)) return results;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error(`No such result for "${term}": ${JSON.stringify(results)}`);
  }

  it('finds products with their domain, owner, level and compliance', async () => {
    const [result] = await eventually('patient', results =>
      results.some(r => r.document.level !== null),
    );
    expect(result.type).toBe('data-product');
    expect(result.document).toEqual({
      title: 'Patient Records',
      // What the result shows: the description and purpose, nothing it is only found by.
      text: 'Identified patients and their encounters\nThe hospital record of every patient',
      searchTerms: [
        'patient-records',
        'Patient Records',
        'Identified patients and their encounters',
        'ehr',
        'encounters',
        'diagnosis',
        'icd10_code',
      ],
      location: '/catalog/default/dataproduct/patient-records',
      entityRef: 'dataproduct:default/patient-records',
      domainRef: 'domain:default/clinical',
      ownerRef: 'group:default/clinical-data',
      status: 'active',
      type: 'source-aligned',
      classification: 'restricted',
      personalData: true,
      tags: ['ehr'],
      score: 100,
      // Its one check passes, and the higher levels have none of their own.
      level: 'gold',
      compliant: true,
    });
    // Purpose, tags, port names and the columns of its contract are searchable too.
    for (const term of ['hospital', 'ehr', 'encounters', 'icd10_code']) {
      expect((await search(term)).body.results).toEqual([
        expect.objectContaining({
          document: expect.objectContaining({ title: 'Patient Records' }),
        }),
      ]);
    }
  });

  it('indexes products the data mesh has not scored yet, and only what the catalog has', async () => {
    const results = await eventually('bed', r => r.length > 0);
    expect(results).toEqual([
      expect.objectContaining({
        document: expect.objectContaining({
          title: 'bed-occupancy',
          status: 'draft',
          domainRef: 'domain:default/clinical',
        }),
      }),
    ]);
    expect((await search('component')).body.results).toEqual([]);
  });

  it('shows a product only to those who may read it in the catalog', async () => {
    await eventually('patient', r => r.length > 0);
    expect((await search('patient', OUTSIDER)).body.results).toEqual([]);
    // The outsider still finds the products it may read.
    expect((await search('bed', OUTSIDER)).body.results).toEqual([
      expect.objectContaining({
        document: expect.objectContaining({ title: 'bed-occupancy' }),
      }),
    ]);
  });
});
