import {
  AuthService,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import dataMeshPlugin from '@datamesh-portal/plugin-data-mesh-backend';
import request from 'supertest';
import YAML from 'yaml';
import { dataMeshPermissionPolicyModule } from './dataMeshPermissionPolicy';

jest.setTimeout(120_000);

const ADMIN = 'user:default/grace';
const OWNER = 'user:default/ada';
const OTHER = 'user:default/mallory';

/** The groups each user is a member of: what the permission backend reads as their claims. */
const MEMBERSHIPS: Record<string, string[]> = {
  [OWNER]: ['group:default/research-data'],
  [OTHER]: ['group:default/sales-data'],
};

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as BackstageUserPrincipal;
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...(MEMBERSHIPS[userEntityRef] ?? []),
        ],
      };
    },
  }),
});

/**
 * Plugins call each other on behalf of a user with the calling plugin as the actor, as with
 * Backstage's own tokens (the mock auth service leaves it out, and the permission backend
 * refuses the catalog's conditional read to a user calling it directly).
 */
const auth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => mock.authenticate(token, options),
      getNoneCredentials: () => mock.getNoneCredentials(),
      getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
      isPrincipal: mock.isPrincipal.bind(mock) as AuthService['isPrincipal'],
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf
          .principal as Partial<BackstageUserPrincipal>;
        if (principal.type !== 'user' || !principal.userEntityRef) {
          return mock.getPluginRequestToken(options);
        }
        const actor = { subject: `plugin:${plugin.getId()}` };
        return {
          token: mockCredentials.user.token(principal.userEntityRef, { actor }),
        };
      },
      getLimitedUserToken: credentials => mock.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => mock.listPublicServiceKeys(),
    };
  },
});

/*
 * The routes a product's owners may use, through the real permission framework: the portal's
 * policy, the permission backend and the catalog's owner rule (IS_ENTITY_OWNER) applied to the
 * product the data mesh backend names.
 */
describe("the example portal's owner-only routes", () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const evaluate = (caller: string, name = 'cohort-study') =>
    request(backend.server)
      .post(`/api/data-mesh/evaluate/dataproduct/default/${name}`)
      .set('Authorization', mockCredentials.user.header(caller))
      .send({});

  beforeAll(async () => {
    const dir = createMockDirectory();
    dir.setContent({
      'catalog-info.yaml': [
        ...['research-data', 'sales-data'].map(name => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name },
          spec: { type: 'team', children: [] },
        })),
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'research' },
          spec: { owner: 'research-data' },
        },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'DataProduct',
          metadata: { name: 'cohort-study' },
          spec: {
            owner: 'research-data',
            domain: 'research',
            status: 'active',
          },
        },
      ]
        .map(doc => YAML.stringify(doc))
        .join('---\n'),
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDataMesh,
        dataMeshPlugin,
        permissionPlugin,
        dataMeshPermissionPolicyModule,
        userInfo,
        auth,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            dataMeshPortal: { governanceAdmins: [ADMIN] },
            catalog: {
              rules: [{ allow: ['DataProduct', 'Domain', 'Group'] }],
              locations: [
                { type: 'file', target: dir.resolve('catalog-info.yaml') },
              ],
            },
            // No policy: no product becomes non-compliant, so nothing is sent.
            dataMesh: {
              governance: { defaultPolicies: false },
              scorecards: {
                schedule: {
                  frequency: { hours: 24 },
                  timeout: { minutes: 1 },
                  initialDelay: { hours: 1 },
                },
              },
            },
          },
        }),
      ],
    });
    // The catalog reads its file after the backend starts.
    for (let i = 0; i < 150; i++) {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/dataproduct/default/cohort-study')
        .set('Authorization', mockCredentials.user.header(ADMIN));
      if (res.body.relations?.some((r: any) => r.type === 'ownedBy')) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  });

  afterAll(() => backend?.stop());

  it('lets the owners of a product evaluate it now', async () => {
    const res = await evaluate(OWNER);
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('dataproduct:default/cohort-study');
  });

  it('lets governance admins evaluate any product now', async () => {
    expect((await evaluate(ADMIN)).status).toBe(200);
  });

  it('refuses anyone else, whether the product exists or not', async () => {
    const res = await evaluate(OTHER);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed to data-mesh.evaluate on dataproduct:default/cohort-study',
    });
    expect((await evaluate(OTHER, 'no-such-product')).status).toBe(403);
  });
});
