import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import YAML from 'yaml';
import request from 'supertest';
import { TestBackend } from '../__testUtils__/backends';
// The hospital mesh (its entities, global policies and users) is shared with governance.test.ts.
import {
  ADMIN,
  dataMeshApi,
  evaluateHospitalMesh,
  HOSPITAL_GOVERNANCE,
  hospitalMesh,
  hospitalRoles,
  mockPermissions,
  notificationsStub,
  OUTSIDER,
  OWNER,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(60_000);

// The home also reads titles, types and contract columns: patient-records provides a
// contract, and cohort-study has a title, a description and a type.
const docs = [
  ...hospitalMesh({
    'patient-records': {
      spec: {
        outputPorts: [
          {
            name: 'records',
            type: 'table',
            contract: 'patient-records-contract',
          },
        ],
      },
    },
    'cohort-study': {
      metadata: { title: 'Cohort Study', description: 'Research cohorts' },
      spec: { type: 'consumer-aligned' },
    },
  }),
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
            name: 'encounters',
            properties: [
              { name: 'medical_record_number', logicalType: 'string' },
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
];

// The outsider may read nothing in the catalog.
const permissions = mockPermissions(hospitalRoles, credentials => ({
  result:
    userOf(credentials) === OUTSIDER
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
}));

describe('the data mesh home through the REST API', () => {
  let backend: TestBackend;
  const as = (user: string) => mockCredentials.user.header(user);
  const { get } = dataMeshApi(() => backend, OWNER);
  const names = async (query: string) => {
    const res = await get(`/products?${query}`);
    expect(res.status).toBe(200);
    return res.body.items.map((i: any) => i.name);
  };

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: docs,
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      dataMesh: {
        scorecards: {
          defaultChecks: false,
          checks: [
            { id: 'any', title: 'Any', rule: 'true', level: 'bronze' },
            {
              id: 'tagged',
              title: 'Tagged',
              rule: 'has(entity.metadata.tags)',
              level: 'silver',
            },
          ],
          schedule: QUIET_SCHEDULE,
        },
        governance: HOSPITAL_GOVERNANCE,
      },
      features: [permissions, notificationsStub().factory],
    });
    // patient-records provides its contract (the home searches its columns) before evaluating.
    await waitForRelation(backend, 'patient-records', 'providesApi', as(ADMIN));
    await evaluateHospitalMesh(backend);
  });

  afterAll(() => backend?.stop());

  it('lists the readable products by name, one page with the total count', async () => {
    const res = await get('/products');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        expect.objectContaining({ name: 'cohort-study' }),
        expect.objectContaining({ name: 'leaky-extract' }),
        expect.objectContaining({ name: 'patient-records' }),
      ],
      totalCount: 3,
      limit: 25,
      offset: 0,
    });
    expect(res.body.items[0]).toEqual({
      entityRef: 'dataproduct:default/cohort-study',
      name: 'cohort-study',
      title: 'Cohort Study',
      domainRef: 'domain:default/research',
      ownerRef: 'group:default/research-data',
      status: 'active',
      type: 'consumer-aligned',
      classification: 'internal',
      personalData: false,
      score: 50,
      level: 'bronze',
      // Its domain's policy refuses restricted upstream data.
      compliant: false,
      evaluatedAt: expect.any(String),
    });
  });

  it('searches and filters', async () => {
    expect(await names('q=EHR')).toEqual(['leaky-extract', 'patient-records']);
    expect(await names('q=patients')).toEqual(['cohort-study']);
    expect(await names('q=research%20cohorts')).toEqual(['cohort-study']);
    // Columns of the contracts a product provides, nested ones too.
    expect(await names('q=medical_record')).toEqual(['patient-records']);
    expect(await names('q=ICD10_code')).toEqual(['patient-records']);
    expect(await names('domain=clinical')).toEqual(['patient-records']);
    expect(
      await names(
        'domain=domain:default/clinical&domain=domain:default/research',
      ),
    ).toEqual(['cohort-study', 'patient-records']);
    expect(await names('owner=group:default/research-data')).toEqual([
      'cohort-study',
    ]);
    expect(await names('compliant=false')).toEqual([
      'cohort-study',
      'leaky-extract',
    ]);
    expect(await names('personalData=true&classification=restricted')).toEqual([
      'patient-records',
    ]);
    expect(await names('status=draft')).toEqual(['leaky-extract']);
    expect(await names('type=consumer-aligned')).toEqual(['cohort-study']);
    // leaky-extract earns gold by its checks, and is held at silver: it is not compliant.
    expect(await names('level=gold')).toEqual(['patient-records']);
    expect(await names('level=silver')).toEqual(['leaky-extract']);
    expect(await names('level=none')).toEqual([]);
  });

  it('sorts by score and pages', async () => {
    expect(await names('sort=score')).toEqual([
      'cohort-study',
      'leaky-extract',
      'patient-records',
    ]);
    const res = await get('/products?sort=-name&limit=1&offset=1');
    expect(res.body).toEqual({
      items: [expect.objectContaining({ name: 'leaky-extract' })],
      totalCount: 3,
      limit: 1,
      offset: 1,
    });
  });

  // Parameters are checked against the OpenAPI spec (the message is ajv's, naming the
  // parameter as request/query/<name>); levels, which are configured, by the route.
  it.each([
    ['limit=0', 'request/query/limit must be >= 1'],
    ['limit=101', 'request/query/limit must be <= 100'],
    ['limit=ten', 'request/query/limit must be integer'],
    ['offset=-1', 'request/query/offset must be >= 0'],
    [
      'sort=owner',
      'request/query/sort must be equal to one of the allowed values: name, -name, score, -score',
    ],
    // Given twice, a parameter is a list, not the one text it must be.
    ['sort=name&sort=score', 'request/query/sort must be string'],
    [
      'status=gone',
      'request/query/status/0 must be equal to one of the allowed values: proposed, draft, active, deprecated, retired',
    ],
    ['personalData=yes', 'request/query/personalData/0 must be boolean'],
    ['compliant=1', 'request/query/compliant/0 must be boolean'],
    [
      'level=platinum',
      'level: "platinum" is not one of bronze, silver, gold, none',
    ],
    ['q=a&q=b', 'request/query/q must be string'],
    ['q=', "Empty value found for query parameter 'q'"],
    ['domain=x:/y', 'domain: "x:/y" is not a valid entity ref'],
    ['colour=red', "Unknown query parameter 'colour'"],
  ])('refuses %s with 400', async (query, message) => {
    const res = await get(`/products?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message });
  });

  it('shows nothing the caller may not read', async () => {
    const products = await get('/products', OUTSIDER);
    expect(products.body).toEqual({
      items: [],
      totalCount: 0,
      limit: 25,
      offset: 0,
    });
    const insight = await get('/insight', OUTSIDER);
    expect(insight.body).toMatchObject({
      products: 0,
      averageScore: null,
      domains: [],
      regressions: [],
      leaderboard: [],
    });
    expect(insight.body.trend.every((p: any) => p.products === 0)).toBe(true);
    expect((await get('/domain-map', OUTSIDER)).body).toEqual({
      domains: [],
      products: [],
      edges: [],
    });
  });

  it('gives the latest results of many products at once, only readable ones', async () => {
    const batch = (entityRefs: unknown, user = OWNER) =>
      request(backend.server)
        .post('/api/data-mesh/scorecards/by-refs')
        .set('Authorization', as(user))
        .send({ entityRefs });
    const res = await batch([
      'dataproduct:default/patient-records',
      'dataproduct:default/nowhere',
      'cohort-study',
    ]);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        entityRef: 'dataproduct:default/patient-records',
        score: 100,
        // Every check passes, and gold has none of its own.
        level: 'gold',
        compliant: true,
        evaluatedAt: expect.any(String),
      },
      null,
      expect.objectContaining({
        entityRef: 'dataproduct:default/cohort-study',
        score: 50,
        compliant: false,
      }),
    ]);

    const outsider = await batch(['patient-records'], OUTSIDER);
    expect(outsider.status).toBe(200);
    expect(outsider.body.items).toEqual([null]);

    for (const [body, message] of [
      [undefined, "request/body must have required property 'entityRefs'"],
      [[1], 'request/body/entityRefs/0 must be string'],
      [
        Array.from({ length: 1001 }, (_, i) => `p-${i}`),
        'request/body/entityRefs must NOT have more than 1000 items',
      ],
      [['x:/y'], 'entityRefs[0]: "x:/y" is not a valid entity ref'],
    ] as const) {
      const bad = await batch(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(message);
    }
    const anonymous = await request(backend.server)
      .post('/api/data-mesh/scorecards/by-refs')
      .set('Authorization', mockCredentials.none.header())
      .send({ entityRefs: ['patient-records'] });
    expect(anonymous.status).toBe(401);
  });

  it('gives the mesh insight', async () => {
    const res = await get('/insight');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      products: 3,
      compliant: 1,
      averageScore: (50 + 100 + 100) / 3,
      regressions: [],
    });
    expect(res.body.domains).toEqual([
      {
        domainRef: 'domain:default/clinical',
        products: 1,
        averageScore: 100,
        levelCounts: { gold: 1 },
        compliant: 1,
      },
      {
        domainRef: 'domain:default/research',
        products: 1,
        averageScore: 50,
        levelCounts: { bronze: 1 },
        compliant: 0,
      },
      {
        domainRef: 'domain:default/rogue',
        products: 1,
        averageScore: 100,
        levelCounts: { silver: 1 },
        compliant: 0,
      },
    ]);
    expect(res.body.leaderboard.map((d: any) => [d.domainRef, d.rank])).toEqual(
      [
        ['domain:default/clinical', 1],
        ['domain:default/rogue', 2],
        ['domain:default/research', 3],
      ],
    );
    expect(res.body.trend).toHaveLength(30);
    expect(res.body.trend[29]).toEqual({
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      averageScore: (50 + 100 + 100) / 3,
      products: 3,
    });
  });

  it('draws the domain map with lineage', async () => {
    const res = await get('/domain-map');
    expect(res.status).toBe(200);
    expect(res.body.domains).toEqual([
      {
        entityRef: 'domain:default/clinical',
        title: null,
        parentRef: 'domain:default/hospital',
      },
      { entityRef: 'domain:default/hospital', title: null, parentRef: null },
      {
        entityRef: 'domain:default/research',
        title: null,
        parentRef: 'domain:default/hospital',
      },
    ]);
    expect(res.body.products).toEqual([
      {
        entityRef: 'dataproduct:default/cohort-study',
        title: 'Cohort Study',
        domainRef: 'domain:default/research',
        level: 'bronze',
        compliant: false,
      },
      {
        entityRef: 'dataproduct:default/leaky-extract',
        title: null,
        domainRef: 'domain:default/rogue',
        level: 'silver',
        compliant: false,
      },
      {
        entityRef: 'dataproduct:default/patient-records',
        title: null,
        domainRef: 'domain:default/clinical',
        level: 'gold',
        compliant: true,
      },
    ]);
    expect(res.body.edges).toEqual([
      {
        from: 'dataproduct:default/cohort-study',
        to: 'dataproduct:default/patient-records',
      },
    ]);
  });
});
