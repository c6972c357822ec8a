import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { TestBackend } from '../__testUtils__/backends';
// The hospital mesh (its entities, global policies and users) is shared with home.test.ts.
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
} from '../__testUtils__/routeTests';

jest.setTimeout(60_000);

const docs = hospitalMesh();
const notifications = notificationsStub();

describe('federated governance through the REST API', () => {
  let backend: TestBackend;
  const as = (user: string) => mockCredentials.user.header(user);
  const { get, post } = dataMeshApi(() => backend, OWNER);

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: docs,
      dataMesh: {
        scorecards: {
          defaultChecks: false,
          checks: [{ id: 'any', title: 'Any', rule: 'true' }],
          schedule: QUIET_SCHEDULE,
        },
        governance: HOSPITAL_GOVERNANCE,
      },
      features: [mockPermissions(hospitalRoles), notifications.factory],
    });
    await evaluateHospitalMesh(backend);
  });

  afterAll(() => backend?.stop());

  it('merges global, parent-domain and domain policies, each with its origin', async () => {
    const res = await get('/governance/dataproduct/default/cohort-study');
    expect(res.status).toBe(200);
    expect(
      res.body.policies.map((p: any) => [p.id, p.origin, p.domainRef]),
    ).toEqual([
      ['personal-data-protected', 'global', undefined],
      ['domain-exists', 'global', undefined],
      ['tagged', 'domain', 'domain:default/hospital'],
      ['de-identified-input', 'domain', 'domain:default/research'],
      ['old-rule', 'domain', 'domain:default/research'],
    ]);
  });

  it('applies each enforcement level: enforce blocks, warn and warning severity do not, draft only for admins, retired never', async () => {
    const owner = await get('/governance/dataproduct/default/cohort-study');
    expect(owner.body.compliant).toBe(false);
    expect(owner.body.results).toEqual([
      expect.objectContaining({
        id: 'personal-data-protected',
        outcome: 'skipped',
        blocking: false,
      }),
      expect.objectContaining({
        id: 'domain-exists',
        outcome: 'pass',
        blocking: false,
      }),
      expect.objectContaining({
        id: 'tagged',
        outcome: 'fail',
        enforcement: 'warn',
        blocking: false,
      }),
      expect.objectContaining({
        id: 'de-identified-input',
        origin: 'domain',
        domainRef: 'domain:default/research',
        outcome: 'fail',
        enforcement: 'enforce',
        severity: 'error',
        blocking: true,
      }),
    ]);

    const admin = await get(
      '/governance/dataproduct/default/cohort-study',
      ADMIN,
    );
    expect(admin.body.results.map((r: any) => r.id)).toContain('cohort-size');
    expect(
      admin.body.results.find((r: any) => r.id === 'cohort-size'),
    ).toMatchObject({
      enforcement: 'draft',
      outcome: 'fail',
      blocking: false,
    });
    expect(admin.body.policies.map((p: any) => p.id)).toContain('cohort-size');
  });

  it('never lets a domain weaken a global policy: the catalog refuses the domain', async () => {
    const rogue = await request(backend.server)
      .get('/api/catalog/entities/by-name/domain/default/rogue')
      .set('Authorization', as(ADMIN));
    expect(rogue.status).toBe(404);
    const leaky = await get('/governance/dataproduct/default/leaky-extract');
    expect(leaky.body).toMatchObject({ compliant: false });
    expect(
      leaky.body.results.filter((r: any) => r.blocking).map((r: any) => r.id),
    ).toEqual(['personal-data-protected', 'domain-exists']);
  });

  it('gives a draft in a dry run the verdict of the continuous evaluation', async () => {
    const { relations, ...draft } = docs.find(
      d => d.metadata.name === 'cohort-study',
    )! as any;
    const dry = await post('/evaluate', { entity: draft });
    expect(dry.status).toBe(200);
    const stored = await get('/governance/dataproduct/default/cohort-study');
    expect(dry.body.governance).toEqual({
      compliant: stored.body.compliant,
      results: stored.body.results,
    });
  });

  it('lists the rules with each policy origin; drafts only for admins', async () => {
    const owner = await get('/rules');
    expect(owner.status).toBe(200);
    const ids = owner.body.policies.map((p: any) => `${p.origin}:${p.id}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'global:personal-data-protected',
        'domain:tagged',
        'domain:de-identified-input',
      ]),
    );
    expect(ids).not.toContain('domain:cohort-size');
    const admin = await get('/rules', ADMIN);
    expect(admin.body.policies.map((p: any) => p.id)).toContain('cohort-size');
  });

  describe('waivers', () => {
    const expiresAt = () =>
      new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    let waiverId: string;

    it.each([
      [
        { policyId: 'de-identified-input', expiresAt: 'soon', reason: 'x' },
        'expiresAt: "soon" is not an ISO 8601 timestamp',
      ],
      [
        {
          policyId: 'de-identified-input',
          expiresAt: '2001-01-01T00:00:00Z',
          reason: 'x',
        },
        'expiresAt: 2001-01-01T00:00:00Z is not in the future',
      ],
      [
        {
          policyId: 'de-identified-input',
          expiresAt: '2999-01-01T00:00:00Z',
          reason: 'x',
        },
        'is more than 30 days away',
      ],
      [
        { policyId: 'de-identified-input', reason: ' ' },
        'reason: must say why',
      ],
      [
        { policyId: 'no-such-policy', reason: 'x' },
        'policyId: "no-such-policy" is not a policy in force',
      ],
      [{ reason: 'x' }, "request/body must have required property 'policyId'"],
      [
        { policyId: 'de-identified-input', reason: 'x'.repeat(2001) },
        'request/body/reason must NOT have more than 2000 characters',
      ],
      [
        { policyId: 'de-identified-input', reason: 'x', entityRef: 'x:/y' },
        'entityRef: "x:/y" is not a valid entity ref',
      ],
    ])('refuses a bad request %#', async (body, message) => {
      const res = await post('/waivers', {
        entityRef: 'dataproduct:default/cohort-study',
        expiresAt: expiresAt(),
        ...body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('lets only a permitted user request one', async () => {
      const body = {
        entityRef: 'dataproduct:default/cohort-study',
        policyId: 'de-identified-input',
        reason: 'The IRB approved the study on identified data until March.',
        expiresAt: expiresAt(),
      };
      const denied = await post('/waivers', body, OUTSIDER);
      expect(denied.status).toBe(403);
      const service = await request(backend.server)
        .post('/api/data-mesh/waivers')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
      expect(service.status).toBe(403);

      const created = await post('/waivers', body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        entityRef: 'dataproduct:default/cohort-study',
        policyId: 'de-identified-input',
        status: 'pending',
        requestedBy: OWNER,
      });
      waiverId = created.body.id;

      const twice = await post('/waivers', body);
      expect(twice.status).toBe(409);
    });

    it('lets only a governance admin decide, and an approved waiver makes the product compliant', async () => {
      expect(
        (await post(`/waivers/${waiverId}/approve`, {}, OWNER)).status,
      ).toBe(403);
      expect(
        (await post(`/waivers/${waiverId}/approve`, {}, OUTSIDER)).status,
      ).toBe(403);
      expect((await post(`/waivers/${waiverId}/bless`, {}, ADMIN)).status).toBe(
        404,
      );

      const approved = await post(
        `/waivers/${waiverId}/approve`,
        { comment: 'Until the de-identified feed ships.' },
        ADMIN,
      );
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decidedBy: ADMIN,
      });

      const governance = await get(
        '/governance/dataproduct/default/cohort-study',
      );
      expect(governance.body.compliant).toBe(true);
      expect(
        governance.body.results.find(
          (r: any) => r.id === 'de-identified-input',
        ),
      ).toMatchObject({ outcome: 'waived', waiverId, blocking: false });
      expect(governance.body.waivers).toEqual([
        expect.objectContaining({ id: waiverId, status: 'approved' }),
      ]);
      expect(
        (await post(`/waivers/${waiverId}/approve`, {}, ADMIN)).status,
      ).toBe(409);
    });

    it('keeps an audit log and lists waivers by product and status', async () => {
      const waiver = await get(`/waivers/${waiverId}`);
      expect(waiver.status).toBe(200);
      expect(waiver.body.events).toEqual([
        expect.objectContaining({ action: 'requested', actor: OWNER }),
        expect.objectContaining({
          action: 'approved',
          actor: ADMIN,
          comment: 'Until the de-identified feed ships.',
        }),
      ]);
      const listed = await get(
        '/waivers?entityRef=dataproduct:default/cohort-study&status=approved',
      );
      expect(listed.body.items.map((w: any) => w.id)).toEqual([waiverId]);
      expect((await get('/waivers?status=pending')).body.items).toEqual([]);
      const late = await get('/waivers?status=late');
      expect(late.status).toBe(400);
      expect(late.body.error.message).toBe(
        'request/query/status/0 must be equal to one of the allowed values: pending, approved, rejected, revoked, expired',
      );
      expect(
        (await get('/waivers/00000000-0000-0000-0000-000000000000')).status,
      ).toBe(404);
    });

    it('summarises the mesh for the dashboard', async () => {
      const res = await get('/governance');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ products: 3, compliant: 2 });
      expect(res.body.violations).toEqual([
        expect.objectContaining({
          entityRef: 'dataproduct:default/leaky-extract',
          policyIds: ['personal-data-protected', 'domain-exists'],
        }),
      ]);
      const policy = (id: string) =>
        res.body.policies.find((p: any) => p.id === id);
      expect(policy('de-identified-input')).toMatchObject({
        applicable: 1,
        failing: 0,
        waived: 1,
      });
      expect(policy('personal-data-protected')).toMatchObject({
        applicable: 2,
        failing: 1,
      });
      expect(res.body.domains).toEqual(
        expect.arrayContaining([
          { domainRef: 'domain:default/research', products: 1, compliant: 1 },
          { domainRef: 'domain:default/rogue', products: 1, compliant: 0 },
        ]),
      );
      expect(res.body.waivers.expiring.map((w: any) => w.id)).toEqual([
        waiverId,
      ]);
    });

    it('revoking a waiver makes the product non-compliant again and tells its owners once', async () => {
      const before = notifications.sent.filter(
        s => s.entityRef === 'dataproduct:default/cohort-study',
      ).length;
      const revoked = await post(`/waivers/${waiverId}/revoke`, {}, ADMIN);
      expect(revoked.body.status).toBe('revoked');
      const governance = await get(
        '/governance/dataproduct/default/cohort-study',
      );
      expect(governance.body.compliant).toBe(false);
      await post('/evaluate/dataproduct/default/cohort-study', {}, ADMIN);
      const after = notifications.sent.filter(
        s => s.entityRef === 'dataproduct:default/cohort-study',
      );
      expect(after.length).toBe(before + 1);
      expect(after[after.length - 1].title).toBe(
        'cohort-study is not compliant',
      );
    });
  });
});
