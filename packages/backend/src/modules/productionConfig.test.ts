import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Config, JsonObject } from '@backstage/config';
import { ConfigSources, StaticConfigSource } from '@backstage/config-loader';
import authPlugin from '@backstage/plugin-auth-backend';
import authModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  dataMeshDraftPoliciesReadPermission,
  dataMeshWaiverDecidePermission,
} from '@datamesh-portal/plugin-data-mesh-common';
import path from 'node:path';
import request from 'supertest';
import {
  DataMeshPortalPermissionPolicy,
  dataMeshPermissionPolicyModule,
} from './dataMeshPermissionPolicy';
import { productionConfigCheckServiceFactory } from './productionConfig';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const DEVELOPMENT = ['app-config.yaml'];
const PRODUCTION = ['app-config.yaml', 'app-config.production.yaml'];
const E2E = [...PRODUCTION, 'app-config.e2e.yaml'];
const GUEST = 'user:development/guest';

/** A sign-in provider of a real deployment (its module is not needed to start). */
const GITHUB_SIGN_IN = {
  auth: {
    providers: {
      github: { production: { clientId: 'id', clientSecret: 'secret' } },
    },
  },
};

/**
 * The example portal's configuration as the backend loads it (`--config` files in order, then
 * `extra` on top, `${VAR}` read from `env` instead of the process environment).
 */
async function portalConfig(
  files: string[],
  env: Record<string, string> = {},
  extra?: JsonObject,
): Promise<Config> {
  const files$ = ConfigSources.default({
    argv: files.flatMap(file => ['--config', path.join(ROOT, file)]),
    rootDir: ROOT,
    env: {},
    watch: false,
    substitutionFunc: async name => env[name],
  });
  const config = await ConfigSources.toConfig(
    extra
      ? ConfigSources.merge([
          files$,
          StaticConfigSource.create({ data: extra, context: 'test' }),
        ])
      : files$,
  );
  config.close();
  return config;
}

const rootConfig = (config: Config) =>
  createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () => config,
  });

/** Starts a backend with the start-up check, on `config`. */
const startWith = (config: Config, features: any[] = []) =>
  startTestBackend({
    features: [
      rootConfig(config),
      productionConfigCheckServiceFactory,
      ...features,
    ],
  });

/** The start-up error of a backend on `config`, or undefined when it starts. */
async function startupError(config: Config) {
  try {
    const backend = await startWith(config);
    await backend.stop();
    return undefined;
  } catch (error) {
    return error as Error & { problems?: unknown };
  }
}

describe('outside development (these tests run with NODE_ENV=test)', () => {
  it('the production config refuses to start without DATA_MESH_CI_TOKEN and a sign-in provider, naming both', async () => {
    const error = await startupError(await portalConfig(PRODUCTION));
    expect(error?.name).toBe('InputError');
    expect(error?.problems).toEqual([
      {
        field: 'backend.auth.externalAccess[0].options.token',
        message:
          "the static token of subject 'ci-pipelines' is not set: set DATA_MESH_CI_TOKEN",
      },
      {
        field: 'auth.providers',
        message: expect.stringContaining('no sign-in provider is configured'),
      },
    ]);
    expect(error?.message).toContain(
      'The backend cannot start outside development with this configuration:\n' +
        "  - backend.auth.externalAccess[0].options.token: the static token of subject 'ci-pipelines' is not set: set DATA_MESH_CI_TOKEN\n" +
        '  - auth.providers: no sign-in provider is configured',
    );
  });

  it('the production config names only what is missing', async () => {
    const withToken = await startupError(
      await portalConfig(PRODUCTION, { DATA_MESH_CI_TOKEN: 'a-secret-token' }),
    );
    expect(withToken?.problems).toEqual([
      { field: 'auth.providers', message: expect.any(String) },
    ]);
    const withSignIn = await startupError(
      await portalConfig(PRODUCTION, {}, GITHUB_SIGN_IN),
    );
    expect(withSignIn?.problems).toEqual([
      {
        field: 'backend.auth.externalAccess[0].options.token',
        message: expect.stringContaining('DATA_MESH_CI_TOKEN'),
      },
    ]);
  });

  it('the production config starts with its own token and a sign-in provider', async () => {
    const config = await portalConfig(
      PRODUCTION,
      { DATA_MESH_CI_TOKEN: 'a-secret-token' },
      GITHUB_SIGN_IN,
    );
    expect(await startupError(config)).toBeUndefined();
  });

  it("the production config refuses app-config.yaml's public development token", async () => {
    const error = await startupError(
      await portalConfig(
        PRODUCTION,
        { DATA_MESH_CI_TOKEN: 'example-portal-ci-token' },
        GITHUB_SIGN_IN,
      ),
    );
    expect(error?.problems).toEqual([
      {
        field: 'backend.auth.externalAccess[0].options.token',
        message:
          "the static token of subject 'ci-pipelines' is the example portal's public development token: set DATA_MESH_CI_TOKEN to a secret of your own",
      },
    ]);
  });

  it('the production config with the e2e overlay starts', async () => {
    expect(await startupError(await portalConfig(E2E))).toBeUndefined();
  });

  it('the development config alone is refused: public token, no sign-in provider, guest admin', async () => {
    const error = await startupError(await portalConfig(DEVELOPMENT));
    expect(error?.problems).toEqual([
      {
        field: 'backend.auth.externalAccess[0].options.token',
        message: expect.stringContaining('public development token'),
      },
      { field: 'auth.providers', message: expect.any(String) },
      {
        field: 'dataMeshPortal.governanceAdmins[2]',
        message:
          'the guest user (user:development/guest) is never a governance admin outside development: list your governance groups only',
      },
    ]);
  });
});

describe('in development', () => {
  const nodeEnv = process.env.NODE_ENV;
  beforeEach(() => {
    process.env.NODE_ENV = 'development';
  });
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('the development config starts as it is', async () => {
    expect(await startupError(await portalConfig(DEVELOPMENT))).toBeUndefined();
  });
});

describe('the guest under production config', () => {
  const production = () =>
    portalConfig(
      PRODUCTION,
      { DATA_MESH_CI_TOKEN: 'a-secret-token' },
      GITHUB_SIGN_IN,
    );

  /** The decisions of the portal's permission policy for `user`, through the permission API. */
  async function decisions(config: Config, user: string) {
    const backend = await startWith(config, [
      permissionPlugin,
      dataMeshPermissionPolicyModule,
    ]);
    try {
      const response = await request(backend.server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header(user))
        .send({
          items: [
            dataMeshWaiverDecidePermission,
            dataMeshDraftPoliciesReadPermission,
          ].map(permission => ({ id: permission.name, permission })),
        });
      expect(response.status).toBe(200);
      return response.body.items.map((item: { result: string }) => item.result);
    } finally {
      await backend.stop();
    }
  }

  it('is not a governance admin (in development it is)', async () => {
    expect(await decisions(await production(), GUEST)).toEqual([
      AuthorizeResult.DENY,
      AuthorizeResult.DENY,
    ]);
    expect(
      await decisions(await production(), 'user:default/grace-nwosu'),
    ).toEqual([AuthorizeResult.DENY, AuthorizeResult.DENY]);

    // The same question on the development config: the guest decides there.
    process.env.NODE_ENV = 'development';
    try {
      expect(await decisions(await portalConfig(DEVELOPMENT), GUEST)).toEqual([
        AuthorizeResult.ALLOW,
        AuthorizeResult.ALLOW,
      ]);
    } finally {
      process.env.NODE_ENV = 'test';
    }
  });

  // The auth backend keeps its keys in a database: one the tests close.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  /** Signs in as the guest through the real auth backend, as the app's sign-in page does. */
  async function guestSignIn(config: Config) {
    const backend = await startWith(config, [
      authPlugin,
      authModuleGuestProvider,
      mockServices.database.factory({ knex: await databases.init('SQLITE_3') }),
    ]);
    try {
      return await request(backend.server)
        .get('/api/auth/guest/refresh')
        .set('X-Requested-With', 'XMLHttpRequest');
    } finally {
      await backend.stop();
    }
  }

  it('cannot sign in', async () => {
    const response = await guestSignIn(await production());
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'The guest provider cannot be used outside of a development environment',
    );
  });

  it('signs in with the e2e overlay, as a member of a governance group', async () => {
    const config = await portalConfig(E2E);
    const response = await guestSignIn(config);
    expect(response.status).toBe(200);
    const identity = response.body.backstageIdentity.identity;
    expect(identity.userEntityRef).toBe(GUEST);
    // The portal's policy on the production admins decides for this guest.
    const policy = new DataMeshPortalPermissionPolicy(
      config.getStringArray('dataMeshPortal.governanceAdmins'),
    );
    expect(
      await policy.handle({ permission: dataMeshWaiverDecidePermission }, {
        info: identity,
      } as any),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
