import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import {
  createContractCreateAction,
  createGovernanceCheckAction,
  createProductDeprecateAction,
  createProductDescriptorAction,
  createPublishLocalAction,
  createProvisionOutputPortsAction,
  createRunContractTestsAction,
  LOCAL_PUBLISH_DIRECTORY_CONFIG,
} from './actions';

/**
 * Registers the `data-mesh:*` scaffolder actions.
 *
 * @public
 */
export const scaffolderModuleDataMesh = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'data-mesh',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, discovery, auth, catalog }) {
        const configured = config.getOptionalString(
          LOCAL_PUBLISH_DIRECTORY_CONFIG,
        );
        // Relative to the backend's working directory, like file locations of the catalog.
        const publishDirectory = configured
          ? path.resolve(configured)
          : undefined;
        scaffolder.addActions(
          createProductDescriptorAction({ catalog, auth }),
          createContractCreateAction(),
          createGovernanceCheckAction({ discovery, auth }),
          createProductDeprecateAction({ catalog, auth }),
          createPublishLocalAction({ publishDirectory, catalog, auth }),
          createProvisionOutputPortsAction({ discovery, auth }),
          createRunContractTestsAction({ discovery, auth, catalog }),
        );
      },
    });
  },
});
