import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The header naming the user to sign in as: a User entity ref of the catalog. */
export const E2E_USER_HEADER = 'x-e2e-user';

/**
 * Signs in as any User of the catalog named by the `x-e2e-user` header, with the ownership the
 * catalog gives them (their groups). For the end-to-end tests only, which need a second
 * identity beside the guest (a product's owner deciding a request the guest made): whoever can
 * reach the backend can sign in as anyone. Enabled only where `auth.providers.e2e-user` sets
 * `dangerouslyAllowHeaderSignIn: true`, as app-config.e2e.yaml does; never configure it for a
 * real deployment.
 */
export const authModuleE2eUserSignIn = createBackendModule({
  pluginId: 'auth',
  moduleId: 'e2e-user-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'e2e-user',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { userRef: string }) => ({
                profile: { displayName: result.userRef },
              }),
              initialize({ config }) {
                if (
                  !config.getOptionalBoolean('dangerouslyAllowHeaderSignIn')
                ) {
                  throw new NotAllowedError(
                    'auth.providers.e2e-user signs anyone in by a header: it needs dangerouslyAllowHeaderSignIn: true, for end-to-end tests only',
                  );
                }
                return undefined;
              },
              async authenticate({ req }) {
                const header = req.header(E2E_USER_HEADER);
                if (!header) {
                  throw new InputError(
                    `The ${E2E_USER_HEADER} header is missing`,
                  );
                }
                // A User's ref, in full: user:<namespace>/<name>.
                if (!/^user:[^:/]+\/[^:/]+$/i.test(header)) {
                  throw new InputError(
                    `${E2E_USER_HEADER} must name a User as user:<namespace>/<name>, not ${header}`,
                  );
                }
                return { result: { userRef: header } };
              },
            }),
            // The user must be in the catalog; their groups become their ownership.
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userRef }),
          }),
        });
      },
    });
  },
});
