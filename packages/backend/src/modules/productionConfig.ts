import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  formatProblem,
  inputErrorWithProblems,
  Problem,
} from '@datamesh-portal/plugin-data-mesh-common';

/** The pipeline token of app-config.yaml, public in this repository: development only. */
export const DEVELOPMENT_PIPELINE_TOKEN = 'example-portal-ci-token';

/** Where app-config.production.yaml reads each static token from, by the token's subject. */
const TOKEN_ENV_BY_SUBJECT: Record<string, string> = {
  'ci-pipelines': 'DATA_MESH_CI_TOKEN',
};

const GUEST_USER = 'user:development/guest';

/**
 * What is wrong with the configuration for a backend outside development, each problem naming
 * its config key: app-config.yaml is made for trying the portal out alone (a public pipeline
 * token, guest sign-in, the guest a governance admin), and configuration files are merged, so
 * a production configuration that forgets to replace one of these inherits it.
 */
export function productionConfigProblems(config: Config): Problem[] {
  const problems: Problem[] = [];

  (config.getOptionalConfigArray('backend.auth.externalAccess') ?? []).forEach(
    (access, index) => {
      if (access.getOptionalString('type') !== 'static') return;
      const field = `backend.auth.externalAccess[${index}].options.token`;
      const subject = access.getOptionalString('options.subject') ?? '';
      const env = TOKEN_ENV_BY_SUBJECT[subject];
      const source = env ? `set ${env}` : 'set it';
      const token = access.getOptionalString('options.token');
      if (!token) {
        problems.push({
          field,
          message: `the static token of subject '${subject}' is not set: ${source}`,
        });
      } else if (token === DEVELOPMENT_PIPELINE_TOKEN) {
        problems.push({
          field,
          message: `the static token of subject '${subject}' is the example portal's public development token: ${source} to a secret of your own`,
        });
      }
    },
  );

  const providers = config.getOptionalConfig('auth.providers');
  const guestAllowed =
    providers?.getOptionalBoolean(
      'guest.dangerouslyAllowOutsideDevelopment',
    ) === true;
  const signIn = (providers?.keys() ?? []).filter(
    id => id !== 'guest' || guestAllowed,
  );
  if (signIn.length === 0) {
    problems.push({
      field: 'auth.providers',
      message:
        'no sign-in provider is configured (guest sign-in is for development only): configure one, see https://backstage.io/docs/auth/',
    });
  }

  const guest = (
    providers?.getOptionalString('guest.userEntityRef') ?? GUEST_USER
  ).toLocaleLowerCase('en-US');
  const admins =
    config.getOptionalStringArray('dataMeshPortal.governanceAdmins') ?? [];
  const index = admins.findIndex(
    ref => ref.toLocaleLowerCase('en-US') === guest,
  );
  if (index >= 0) {
    problems.push({
      field: `dataMeshPortal.governanceAdmins[${index}]`,
      message: `the guest user (${guest}) is never a governance admin outside development: list your governance groups only`,
    });
  }
  return problems;
}

/**
 * Refuses to start a backend outside development (`NODE_ENV` other than `development`, the rule
 * of Backstage's guest provider) whose configuration has a {@link productionConfigProblems}
 * problem. A root service, so that it runs before any plugin does.
 */
export const productionConfigCheckServiceFactory = createServiceFactory({
  service: createServiceRef<void>({
    id: 'portal.production-config-check',
    scope: 'root',
  }),
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  async factory({ config, logger }) {
    if (process.env.NODE_ENV === 'development') return;
    const problems = productionConfigProblems(config);
    if (problems.length > 0) {
      throw inputErrorWithProblems(
        [
          'The backend cannot start outside development with this configuration:',
          ...problems.map(problem => `  - ${formatProblem(problem)}`),
        ].join('\n'),
        problems,
      );
    }
    if (
      config.getOptionalBoolean(
        'auth.providers.guest.dangerouslyAllowOutsideDevelopment',
      )
    ) {
      logger.warn(
        'Guest sign-in is on outside development (auth.providers.guest.dangerouslyAllowOutsideDevelopment): anyone who reaches the portal can sign in',
      );
    }
  },
});
