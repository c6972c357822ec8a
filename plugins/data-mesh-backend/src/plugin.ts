import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { dataMeshPermissions } from '@datamesh-portal/plugin-data-mesh-common';
import {
  assertValidFactProvider,
  dataMeshFactProvidersExtensionPoint,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import { DatabaseDataMeshStore } from './database/DatabaseDataMeshStore';
import { scheduleFactProviders } from './service/factProviders';
import { createRouter } from './service/router';
import { readScorecardConfig } from './service/scorecardConfig';
import { ScorecardService } from './service/ScorecardService';

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
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, httpRouter, scheduler, logger } = deps;
        deps.permissionsRegistry.addPermissions(dataMeshPermissions);

        const store = await DatabaseDataMeshStore.create({
          database: deps.database,
        });
        // Compiles every rule now: a bad rule stops the backend with its id and position.
        const scorecards = new ScorecardService({
          config: readScorecardConfig(config),
          catalog: deps.catalog,
          auth: deps.auth,
          store,
          logger,
        });

        // The scheduler's lock makes the pass run on one instance at a time.
        await scheduler.scheduleTask({
          id: 'data-mesh-evaluate-all',
          ...scorecards.config.schedule,
          fn: async () => {
            await scorecards.evaluateAll();
          },
        });
        await scheduleFactProviders({
          providers: [...factProviders.values()],
          scheduler,
          logger,
          catalog: deps.catalog,
          auth: deps.auth,
          store,
          scorecards,
        });

        httpRouter.use(
          await createRouter({
            database: deps.database,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            store,
            scorecards,
          }),
        );
        // Load balancers and uptime checks probe health without a Backstage token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Data mesh backend started with ${scorecards.config.checks.length} checks and ${factProviders.size} fact provider(s)`,
        );
      },
    });
  },
});
