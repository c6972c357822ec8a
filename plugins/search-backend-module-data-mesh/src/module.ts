import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { DataProductCollatorFactory } from './collators';

const CONFIG_KEY = 'search.collators.dataMesh';

// After the data mesh backend's first pass (10 s after start), so the first index has levels.
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 30 },
};

/**
 * Indexes the catalog's data products for the portal's search (type `data-product`), with
 * their domain, owner, level and compliance.
 * @public
 */
export const searchModuleDataMesh = createBackendModule({
  pluginId: 'search',
  moduleId: 'data-mesh-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        config,
        auth,
        discovery,
        scheduler,
        catalog,
        indexRegistry,
      }) {
        const collatorConfig = config.getOptionalConfig(CONFIG_KEY);
        let schedule = DEFAULT_SCHEDULE;
        if (collatorConfig?.has('schedule')) {
          try {
            schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
              collatorConfig.getConfig('schedule'),
            );
          } catch (error) {
            throw new InputError(`${CONFIG_KEY}.schedule: ${error}`);
          }
        }
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: new DataProductCollatorFactory({
            auth,
            discovery,
            catalog,
            locationTemplate:
              collatorConfig?.getOptionalString('locationTemplate'),
          }),
        });
      },
    });
  },
});
