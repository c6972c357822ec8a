import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { ConflictError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { dataMeshPermissions } from '@datamesh-portal/plugin-data-mesh-common';
import {
  AccessProvisioner,
  assertValidAccessProvisioner,
  assertValidFactProvider,
  dataMeshAccessProvisionersExtensionPoint,
  dataMeshFactProvidersExtensionPoint,
  dataMeshOutputPortProvisionersExtensionPoint,
  assertValidOutputPortProvisioner,
  FactProvider,
  OutputPortProvisioner,
} from '@datamesh-portal/plugin-data-mesh-node';
import { readAccessConfig } from './access/accessConfig';
import { registerDataMeshActions } from './actions';
import { AccessProvisioners } from './access/AccessProvisioners';
import { PostgresAccessProvisioner } from './access/PostgresAccessProvisioner';
import { createDataMeshStores } from './database/stores';
import { DuckDbOutputPortProvisioner } from './provisioning/DuckDbOutputPortProvisioner';
import { PostgresOutputPortProvisioner } from './provisioning/PostgresOutputPortProvisioner';
import { readProvisioningConfig } from './provisioning/provisioningConfig';
import { ProvisioningService } from './provisioning/ProvisioningService';
import { RetirementService } from './provisioning/RetirementService';
import {
  scheduleFactProviders,
  scheduleFactRetention,
} from './service/factProviders';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AccessNotifier } from './service/AccessNotifier';
import { AccessService } from './service/AccessService';
import { callerChecks } from './service/callerChecks';
import { readDataMeshBackendConfig } from './service/config';
import {
  ContractHistoryService,
  readContractHistorySchedule,
} from './service/ContractHistoryService';
import { ContractImpactService } from './service/ContractImpactService';
import { ContractTestService } from './service/ContractTestService';
import { readContractTestsConfig } from './service/contractTestsConfig';
import { DataPreviewService } from './service/DataPreviewService';
import { DataServers } from './service/DataServers';
import { CatalogReadiness } from './service/CatalogReadiness';
import { EvaluationService } from './service/EvaluationService';
import { GovernanceNotifier } from './service/GovernanceNotifier';
import { GovernanceService } from './service/GovernanceService';
import { MeshHomeService } from './service/MeshHomeService';
import { createRouter } from './service/router';
import { ScorecardService } from './service/ScorecardService';
import { ReadableProducts } from './service/readableProducts';
import { WaiverService } from './service/WaiverService';

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

    const accessProvisioners: AccessProvisioner[] = [];
    env.registerExtensionPoint(dataMeshAccessProvisionersExtensionPoint, {
      addProvisioner(...provisioners) {
        for (const provisioner of provisioners) {
          assertValidAccessProvisioner(provisioner);
          accessProvisioners.push(provisioner);
        }
      },
    });

    const outputPortProvisioners: OutputPortProvisioner[] = [];
    env.registerExtensionPoint(dataMeshOutputPortProvisionersExtensionPoint, {
      addProvisioner(...provisioners) {
        for (const provisioner of provisioners) {
          assertValidOutputPortProvisioner(provisioner);
          outputPortProvisioners.push(provisioner);
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
        userInfo: coreServices.userInfo,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, httpRouter, scheduler, logger } = deps;
        deps.permissionsRegistry.addPermissions(dataMeshPermissions);

        const backendConfig = readDataMeshBackendConfig(config);
        // Bad server settings stop the backend here, naming dataMesh.servers.<id>.<field>.
        const contractTestsConfig = readContractTestsConfig(config);
        const stores = await createDataMeshStores({
          database: deps.database,
          facts: backendConfig.facts,
        });
        await scheduleFactRetention({
          config: backendConfig.facts,
          scheduler,
          logger,
          facts: stores.facts,
        });
        const notifier = new GovernanceNotifier(deps.notifications, logger);
        // Compiles every global rule now: a bad rule stops the backend with its id and position.
        const evaluations = new EvaluationService({
          config: backendConfig,
          catalog: deps.catalog,
          auth: deps.auth,
          stores,
          logger,
          notifier,
          // The first pass waits for the catalog's first processing; results before it notify
          // nobody.
          readiness: new CatalogReadiness({
            discovery: deps.discovery,
            auth: deps.auth,
            logger,
            maxWaitMs: backendConfig.catalogWaitMs,
          }),
        });
        const waivers = new WaiverService({
          config: backendConfig.waivers,
          store: stores.waivers,
          evaluations,
          logger,
          notifier,
        });
        // Which products a caller may read: their read permission over our index.
        const readable = new ReadableProducts({
          permissions: deps.permissions,
          catalog: deps.catalog,
          productIndex: stores.productIndex,
        });
        const scorecards = new ScorecardService({
          catalog: deps.catalog,
          readable,
          scorecards: stores.scorecards,
          rules: backendConfig.rules,
        });
        const governance = new GovernanceService({
          catalog: deps.catalog,
          readable,
          scorecardStore: stores.scorecards,
          waiverStore: stores.waivers,
          scorecards,
          evaluations,
          waivers,
        });
        const home = new MeshHomeService({
          catalog: deps.catalog,
          readable,
          scorecards: stores.scorecards,
          productIndex: stores.productIndex,
        });

        // The scheduler's lock makes each task run on one instance at a time.
        await scheduler.scheduleTask({
          id: 'data-mesh-evaluate-all',
          ...backendConfig.schedule,
          fn: async signal => {
            await evaluations.evaluateAll({ signal });
          },
        });
        // Products removed from the catalog leave the reads between passes: a count every 30 s.
        await scheduler.scheduleTask({
          id: 'data-mesh-removals',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await evaluations.removeGoneSincePass();
          },
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-waivers',
          ...backendConfig.waivers.schedule,
          fn: async () => {
            await waivers.sweep();
          },
        });
        // Servers are opened at their first query and closed when the backend stops.
        const servers = new DataServers(contractTestsConfig.servers, {
          maxConcurrentQueries: contractTestsConfig.maxConcurrentQueries,
          logger,
        });
        deps.lifecycle.addShutdownHook(() => servers.close());
        const contractTests = new ContractTestService({
          config: contractTestsConfig,
          servers,
          catalog: deps.catalog,
          auth: deps.auth,
          stores,
          evaluations,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-contract-tests',
          ...contractTestsConfig.schedule,
          fn: async signal => {
            await contractTests.testAll(signal);
          },
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-contract-tests-new',
          ...contractTestsConfig.newContractsSchedule,
          fn: async signal => {
            await contractTests.testNew(signal);
          },
        });
        // Modules' provisioners first, the built-in PostgreSQL one last.
        const accessConfig = readAccessConfig(
          config,
          contractTestsConfig.servers,
        );
        const postgresProvisioner = new PostgresAccessProvisioner({
          servers: contractTestsConfig.servers,
          provisioning: accessConfig.provisioning,
        });
        deps.lifecycle.addShutdownHook(() => postgresProvisioner.close());
        const access = new AccessService({
          store: stores.accessAgreements,
          waivers: stores.waivers,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          servers: contractTestsConfig.servers,
          access: accessConfig,
          provisioner: new AccessProvisioners([
            ...accessProvisioners,
            postgresProvisioner,
          ]),
          notifier: new AccessNotifier(deps.notifications, logger),
          reminderDays: backendConfig.access.reminderDays,
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-access',
          ...backendConfig.access.schedule,
          fn: async signal => {
            await access.reconcile(signal);
          },
        });
        // Tables of output ports: modules' provisioners first, then the built-in ones.
        const provisioningConfig = readProvisioningConfig(
          config,
          contractTestsConfig.servers,
        );
        const postgresOutputPorts = new PostgresOutputPortProvisioner({
          servers: contractTestsConfig.servers,
          provisioning: provisioningConfig.servers,
        });
        deps.lifecycle.addShutdownHook(() => postgresOutputPorts.close());
        const provisioning = new ProvisioningService({
          config: provisioningConfig,
          servers: contractTestsConfig.servers,
          access: accessConfig,
          provisioners: [
            ...outputPortProvisioners,
            postgresOutputPorts,
            new DuckDbOutputPortProvisioner({
              servers: contractTestsConfig.servers,
            }),
          ],
          catalog: deps.catalog,
          auth: deps.auth,
          permissions: deps.permissions,
          userInfo: deps.userInfo,
          logger,
        });
        // Retired products past their sunset: agreements revoked, tables dropped or kept.
        const retirementSchedule = config.has(
          'dataMesh.provisioning.retirementSchedule',
        )
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('dataMesh.provisioning.retirementSchedule'),
            )
          : {
              frequency: { hours: 1 },
              timeout: { minutes: 10 },
              initialDelay: { minutes: 1 },
            };
        const retirement = new RetirementService({
          config: provisioningConfig,
          provisioners: [
            ...outputPortProvisioners,
            postgresOutputPorts,
            new DuckDbOutputPortProvisioner({
              servers: contractTestsConfig.servers,
            }),
          ],
          catalog: deps.catalog,
          auth: deps.auth,
          agreements: access,
          facts: stores.facts,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-retirement',
          ...retirementSchedule,
          fn: async () => {
            await retirement.run();
          },
        });
        await scheduleFactProviders({
          providers: [...factProviders.values()],
          config: config.getOptionalConfig('dataMesh.factProviders'),
          scheduler,
          logger,
          catalog: deps.catalog,
          auth: deps.auth,
          facts: stores.facts,
          evaluations,
        });

        const previews = new DataPreviewService({
          servers: id => servers.get(id),
        });
        // The same capabilities for assistants, as actions of the actions registry (which the
        // MCP actions backend serves): each with the caller's credentials and permissions.
        const checks = callerChecks(deps.catalog, deps.permissions);
        const contractImpact = new ContractImpactService({
          catalog: deps.catalog,
          auth: deps.auth,
          agreements: stores.accessAgreements,
        });
        registerDataMeshActions({
          actionsRegistry: deps.actionsRegistry,
          auth: deps.auth,
          catalog: deps.catalog,
          checks,
          evaluations,
          scorecards,
          governance,
          home,
          contractTests,
          contractImpact,
          access: { userInfo: deps.userInfo, access, checks },
          preview: {
            auth: deps.auth,
            userInfo: deps.userInfo,
            catalog: deps.catalog,
            previews,
            agreements: access,
            access: accessConfig,
            checks,
          },
        });

        // Every definition of each contract, recorded as the catalog changes; owners of the
        // consumers of a breaking change are told.
        const contractHistory = new ContractHistoryService({
          catalog: deps.catalog,
          auth: deps.auth,
          history: stores.contractHistory,
          impact: contractImpact,
          notifications: deps.notifications,
          logger,
          facts: stores.facts,
          evaluations,
        });
        await scheduler.scheduleTask({
          id: 'data-mesh-contract-history',
          ...readContractHistorySchedule(config),
          fn: async signal => {
            await contractHistory.recordAll(signal);
          },
        });

        httpRouter.use(
          await createRouter({
            database: deps.database,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            stores,
            provisioning,
            retirement,
            evaluations,
            waivers,
            scorecards,
            governance,
            home,
            readable,
            contractTests,
            contractImpact,
            contractHistory,
            access: { userInfo: deps.userInfo, access },
            preview: {
              userInfo: deps.userInfo,
              previews,
              agreements: access,
              access: accessConfig,
            },
          }),
        );
        // Load balancers and uptime checks probe health without a Backstage token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Data mesh backend started with ${backendConfig.rules.checks.length} checks, ${backendConfig.rules.policies.length} global policies, ${factProviders.size} fact provider(s) and ${contractTestsConfig.servers.size} data server(s)`,
        );
      },
    });
  },
});
