import {
  coreServices,
  createBackendModule,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogModelExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import { createOdpsEntityDataParser } from './parser/odpsEntityDataParser';
import {
  CatalogContractLookup,
  readDataMeshRules,
} from '@datamesh-portal/plugin-data-mesh-node';
import { DataMeshActiveAgreements } from './agreements/ActiveAgreements';
import { DataMeshEntitiesProcessor } from './processor';
import { catalogProcessingRoute } from './processing/catalogProcessing';

/** `dataMesh.governance.maxPoliciesPerDomain`: a whole number of at least 1. */
function readMaxPoliciesPerDomain(
  config: RootConfigService,
): number | undefined {
  const key = 'dataMesh.governance.maxPoliciesPerDomain';
  const value = config.getOptionalNumber(key);
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
    throw new InputError(`${key}: must be a whole number, at least 1`);
  }
  return value;
}

/**
 * Registers the data mesh kinds with the catalog, and ODPS documents as a catalog source.
 *
 * @public
 */
export const catalogModuleDataMesh = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'data-mesh',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        model: catalogModelExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({
        processing,
        model,
        config,
        catalog,
        auth,
        discovery,
        logger,
        database,
        httpRouter,
        httpAuth,
      }) {
        processing.addProcessor(
          new DataMeshEntitiesProcessor({
            contracts: new CatalogContractLookup(catalog, auth),
            globalPolicyIds: readDataMeshRules(config).policies.map(p => p.id),
            maxPoliciesPerDomain: readMaxPoliciesPerDomain(config),
            agreements: new DataMeshActiveAgreements({
              discovery,
              auth,
              logger,
            }),
          }),
        );

        // How far the catalog is with its processing: the data mesh backend holds its first
        // evaluation pass until everything the catalog knows of was processed once.
        httpRouter.use(catalogProcessingRoute({ database, httpAuth }));

        const odps = config.getOptionalConfig('dataMesh.odps');
        // Only one entity data parser can be installed; a portal with its own turns this off.
        if (odps?.getOptionalBoolean('catalogSource') ?? true) {
          model.setEntityDataParser(
            createOdpsEntityDataParser({
              defaultOwner:
                odps?.getOptionalString('defaultOwner') ?? 'group:unassigned',
              defaultDomain:
                odps?.getOptionalString('defaultDomain') ?? 'unassigned',
            }),
          );
        }
      },
    });
  },
});
