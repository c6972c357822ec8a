import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * Lets the catalog register `file` locations through its API (it accepts `url` ones only by
 * default), so that `data-mesh:publish:local` can register the repositories it writes to a
 * local directory. For portals without a Git host, such as the embedded example portal: any
 * user allowed to register locations can then point the catalog at files of the backend's
 * machine.
 *
 * @public
 */
export const catalogModuleDataMeshFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'data-mesh-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});
