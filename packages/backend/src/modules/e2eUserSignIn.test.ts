import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { authModuleE2eUserSignIn } from './e2eUserSignIn';

jest.setTimeout(60_000);

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ines', namespace: 'default' },
    spec: { memberOf: ['operations'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/operations' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'operations', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

/** The auth backend with the module, and `e2eUser` as auth.providers.e2e-user. */
async function start(e2eUser?: object) {
  return startTestBackend({
    features: [
      authPlugin,
      authModuleE2eUserSignIn,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: {
            session: { secret: 'test' },
            providers: e2eUser ? { 'e2e-user': e2eUser } : {},
          },
        },
      }),
    ],
  });
}

const refresh = (server: Awaited<ReturnType<typeof start>>, user?: string) =>
  request(server.server)
    .get('/api/auth/e2e-user/refresh')
    .set('X-Requested-With', 'XMLHttpRequest')
    .set(user ? { 'x-e2e-user': user } : {});

describe('the e2e user sign-in', () => {
  it('signs in as the catalog user the header names, with their groups', async () => {
    const backend = await start({ dangerouslyAllowHeaderSignIn: true });
    try {
      const res = await refresh(backend, 'user:default/ines');
      expect(res.status).toBe(200);
      expect(res.body.backstageIdentity.identity).toEqual(
        expect.objectContaining({
          userEntityRef: 'user:default/ines',
          ownershipEntityRefs: expect.arrayContaining([
            'user:default/ines',
            'group:default/operations',
          ]),
        }),
      );
      // Not a user of the catalog, or not a user at all: no session.
      expect((await refresh(backend, 'user:default/nobody')).status).not.toBe(
        200,
      );
      expect((await refresh(backend, 'group:default/operations')).status).toBe(
        400,
      );
      expect((await refresh(backend)).status).toBe(400);
    } finally {
      await backend.stop();
    }
  });

  it('is off where it is not configured', async () => {
    const backend = await start();
    try {
      expect((await refresh(backend, 'user:default/ines')).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start without dangerouslyAllowHeaderSignIn', async () => {
    await expect(start({})).rejects.toThrow(/dangerouslyAllowHeaderSignIn/);
  });
});
