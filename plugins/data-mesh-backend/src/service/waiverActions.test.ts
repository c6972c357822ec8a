import { TestBackend } from '../__testUtils__/backends';
import {
  ADMIN,
  dataMeshApi,
  evaluateHospitalMesh,
  HOSPITAL_GOVERNANCE,
  hospitalMesh,
  hospitalRoles,
  mockPermissions,
  notificationsStub,
  OWNER,
  QUIET_SCHEDULE,
  startRouteTestBackend,
} from '../__testUtils__/routeTests';

jest.setTimeout(60_000);

/*
 * The action of POST /waivers/:id/:action is a name looked up in the decisions a waiver
 * allows: a name the lookup would inherit (constructor, __proto__...) is no action, and no
 * route, for a known waiver id or not.
 */
describe('waiver actions', () => {
  let backend: TestBackend;
  const { get, post } = dataMeshApi(() => backend, ADMIN);
  let waiverId: string;

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: hospitalMesh(),
      dataMesh: {
        scorecards: { defaultChecks: false, schedule: QUIET_SCHEDULE },
        governance: HOSPITAL_GOVERNANCE,
      },
      features: [mockPermissions(hospitalRoles), notificationsStub().factory],
    });
    await evaluateHospitalMesh(backend);
    const requested = await post(
      '/waivers',
      {
        entityRef: 'dataproduct:default/cohort-study',
        policyId: 'de-identified-input',
        reason: 'The cohort is built from a restricted extract until Q3.',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
      OWNER,
    );
    if (requested.status !== 201) {
      throw new Error(`Requesting a waiver answered ${requested.status}`);
    }
    waiverId = requested.body.id;
  });

  afterAll(() => backend?.stop());

  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'isPrototypeOf',
    'APPROVE',
    'approve ',
  ])(
    'answers an action named %j 404, naming the actions, and changes nothing',
    async action => {
      const res = await post(
        `/waivers/${waiverId}/${encodeURIComponent(action)}`,
        {},
      );
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        `No waiver action ${JSON.stringify(
          action,
        )}; use approve, reject, revoke`,
      );
      expect((await get(`/waivers/${waiverId}`)).body.status).toBe('pending');
    },
  );

  it.each(['constructor', 'approve'])(
    'answers %s of an unknown waiver id 404',
    async action => {
      const res = await post(`/waivers/x/${action}`, {});
      expect(res.status).toBe(404);
    },
  );

  it('still decides with a known action', async () => {
    const res = await post(`/waivers/${waiverId}/reject`, {
      comment: 'Use the de-identified cohort.',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('rejected');
  });
});
