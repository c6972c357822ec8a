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
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
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
        httpAuth: coreServices.httpAuth,
        database: coreServices.database,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({ httpRouter, httpAuth, database, logger, catalog }) {
        httpRouter.use(await createRouter({ database, httpAuth, catalog }));
        // Load balancers and uptime checks probe health without a Backstage token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Data mesh backend started with ${factProviders.size} fact provider(s)`,
        );
      },
    });
  },
});
