import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createProductDescriptorAction } from './actions';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createProductDescriptorAction());
      },
    });
  },
});
