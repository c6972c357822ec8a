/*
 * The scale benchmark's backend: the catalog, our catalog module and the data mesh plugin on
 * the databases given, with no task of the plugin running on its own. scale.bench.ts starts it
 * in jest's process; backendProcess.ts starts the same one in a process of its own.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  CatalogService,
  catalogServiceRef,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import { Knex } from 'knex';
import { dataMeshPlugin } from '../src/plugin';

/** A task schedule that does not run during a benchmark. */
export const QUIET = {
  frequency: { hours: 24 },
  timeout: { minutes: 30 },
  initialDelay: { hours: 24 },
};

/** What the data mesh plugin was given, captured for the benchmark to drive. */
export interface BenchDeps {
  catalog?: CatalogService;
  auth?: typeof coreServices.auth.T;
  database?: typeof coreServices.database.T;
  scheduler?: typeof coreServices.scheduler.T;
}

/** Captures the data mesh plugin's own catalog client, auth, database and scheduler. */
export function probe(into: BenchDeps) {
  return createBackendModule({
    pluginId: 'data-mesh',
    moduleId: 'bench-probe',
    register(reg) {
      reg.registerInit({
        deps: {
          catalog: catalogServiceRef,
          auth: coreServices.auth,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
        },
        async init(deps) {
          Object.assign(into, deps);
        },
      });
    },
  });
}

/**
 * The entity provider of the benchmark's products. A backend on the same catalog database
 * registers it too, without using it: the catalog deletes the entities of a provider it does
 * not know.
 */
function provider(onConnect?: (connection: EntityProviderConnection) => void) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-provider',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'bench',
            connect: async connection => onConnect?.(connection),
          });
        },
      });
    },
  });
}

/**
 * The backend's features: the catalog and the data mesh plugin each on its own database
 * (`knexes` by plugin id), the data mesh plugin's contracts on the data `servers`,
 * and the benchmark's entity provider, whose connection `onConnect` receives.
 */
export function benchBackendFeatures(options: {
  knexes: Record<string, Knex>;
  /** `dataMesh.servers`: see benchDataServerConfig. */
  servers: Record<string, object>;
  onConnect?: (connection: EntityProviderConnection) => void;
}) {
  return [
    catalogPlugin,
    catalogModuleDataMesh,
    dataMeshPlugin,
    provider(options.onConnect),
    createServiceFactory({
      service: coreServices.database,
      deps: { plugin: coreServices.pluginMetadata },
      factory: ({ plugin }) => {
        const knex = options.knexes[plugin.getId()];
        if (!knex) throw new Error(`No database for ${plugin.getId()}`);
        return mockServices.database({ knex });
      },
    }),
    mockServices.rootConfig.factory({
      data: {
        catalog: {
          rules: [
            { allow: ['DataProduct', 'Domain', 'API', 'Group', 'Location'] },
          ],
          // Nothing is re-processed while the benchmark measures.
          processingInterval: { hours: 24 },
          // Deferred stitching coalesces the re-stitching of each domain and team as its
          // thousands of products arrive (immediate stitching redoes them per product).
          stitchingStrategy: {
            mode: 'deferred',
            pollingInterval: { milliseconds: 200 },
            stitchTimeout: { minutes: 1 },
          },
        },
        // No scheduled task of the plugin runs during the measurements: the test runs the
        // pass, and the others (contract tests of every contract never tested, the waiver
        // and access sweeps, fact clean-up) would share the process's CPU with it.
        dataMesh: {
          servers: options.servers,
          scorecards: { schedule: QUIET },
          waivers: { schedule: QUIET },
          access: { schedule: QUIET },
          facts: { cleanupSchedule: QUIET },
          contractTests: { schedule: QUIET, newContractsSchedule: QUIET },
        },
      },
    }),
  ];
}
