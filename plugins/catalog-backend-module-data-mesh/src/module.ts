import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
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
import { DataMeshEntitiesProcessor } from './processor';

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
      },
      async init({ processing, model, config, catalog, auth }) {
        processing.addProcessor(
          new DataMeshEntitiesProcessor({
            contracts: new CatalogContractLookup(catalog, auth),
            globalPolicyIds: readDataMeshRules(config).policies.map(p => p.id),
          }),
        );

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
