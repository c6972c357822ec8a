import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  assertValidFactProvider,
  dataMeshFactProvidersExtensionPoint,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import { createRouter } from './service/router';

/**
 * The data mesh backend plugin, served under `/api/data-mesh`.
 *
 * @public
 */
export const dataMeshPlugin = createBackendPlugin({
  pluginId: 'data-mesh',
  register(env) {
    const factProviders = new Map<string, FactProvider>();
    env.registerExtensionPoint(dataMeshFactProvidersExtensionPoint, {
      addFactProvider(...providers) {
        for (const provider of providers) {
          assertValidFactProvider(provider);
          if (factProviders.has(provider.source)) {
            throw new ConflictError(
              `Fact provider source "${provider.source}" is registered twice`,
            );
          }
          factProviders.set(provider.source, provider);
        }
      },
    });

    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ httpRouter, database, logger }) {
        httpRouter.use(await createRouter({ database }));
        // Load balancers and uptime checks probe health without a Backstage token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Data mesh backend started with ${factProviders.size} fact provider(s)`,
        );
      },
    });
  },
});
