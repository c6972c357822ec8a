import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { userOf } from './routeTests';

/** The root config that turns Backstage's permission framework on. */
export const PERMISSION_ENABLED = { permission: { enabled: true } };

/**
 * Backstage's permission framework in a test backend (whose config has
 * {@link PERMISSION_ENABLED}), deciding with `policy`: the permission backend asks it for every
 * user's request, and the catalog resolves its conditional decisions (`isEntityOwner`,
 * `hasLabel` ...) against the entities of the test catalog, as in a portal. `memberships` are
 * the groups each user owns through, as a sign-in resolver puts them in the user's token.
 *
 * Plugins call each other on behalf of a user with the calling plugin as the actor, as with
 * Backstage's own tokens (the mock auth service leaves it out): the permission backend refuses
 * a resource permission without a resource, such as the catalog's conditional read, to a user
 * calling it directly.
 */
export function permissionFramework(
  policy: PermissionPolicy,
  memberships: Record<string, string[]> = {},
) {
  return [
    permissionPlugin,
    createBackendModule({
      pluginId: 'permission',
      moduleId: 'test-policy',
      register(reg) {
        reg.registerInit({
          deps: { policies: policyExtensionPoint },
          async init({ policies }) {
            policies.setPolicy(policy);
          },
        });
      },
    }),
    createServiceFactory({
      service: coreServices.auth,
      deps: { plugin: coreServices.pluginMetadata },
      factory({ plugin }): AuthService {
        const mock = mockServices.auth({ pluginId: plugin.getId() });
        return {
          authenticate: (token, options) => mock.authenticate(token, options),
          getNoneCredentials: () => mock.getNoneCredentials(),
          getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
          isPrincipal: mock.isPrincipal.bind(
            mock,
          ) as AuthService['isPrincipal'],
          async getPluginRequestToken(options) {
            const user = userOf(options.onBehalfOf);
            if (!user) return mock.getPluginRequestToken(options);
            const actor = { subject: `plugin:${plugin.getId()}` };
            return { token: mockCredentials.user.token(user, { actor }) };
          },
          getLimitedUserToken: credentials =>
            mock.getLimitedUserToken(credentials),
          listPublicServiceKeys: () => mock.listPublicServiceKeys(),
        };
      },
    }),
    createServiceFactory({
      service: coreServices.userInfo,
      deps: {},
      factory: () => ({
        async getUserInfo(credentials: BackstageCredentials) {
          const userEntityRef = userOf(credentials);
          if (!userEntityRef) throw new Error('User info of a user only');
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(memberships[userEntityRef] ?? []),
            ],
          };
        },
      }),
    }),
  ];
}

/**
 * The HTTP auth of a test backend that also takes `token` as a pipeline's static token, as
 * `backend.auth.externalAccess` configures one: a service principal of `subject`, restricted
 * to `permissionNames` (Backstage decides a service principal's permissions by these alone).
 * Every other token is a mock one, as by default.
 */
export function pipelineTokenAuth(options: {
  token: string;
  subject: string;
  permissionNames: string[];
}) {
  const pipeline = mockCredentials.service(options.subject, {
    permissionNames: options.permissionNames,
  });
  return createServiceFactory({
    service: coreServices.httpAuth,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }) {
      const mock = mockServices.httpAuth({ pluginId: plugin.getId() });
      return {
        async credentials(req, credentialOptions) {
          if (req.headers.authorization !== `Bearer ${options.token}`) {
            return mock.credentials(req, credentialOptions);
          }
          if (
            credentialOptions?.allow &&
            !(credentialOptions.allow as string[]).includes('service')
          ) {
            throw new NotAllowedError(
              `This endpoint does not allow 'service' credentials`,
            );
          }
          // The principal types the caller allows include service.
          return pipeline as never;
        },
        issueUserCookie: (res, cookieOptions) =>
          mock.issueUserCookie(res, cookieOptions),
      };
    },
  });
}
