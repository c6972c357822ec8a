import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { buildExampleData, readExampleDataSettings } from './build';

/**
 * Builds the example portal's example data (`dataMeshPortal.exampleData`): the tables of every
 * example output port, on first start and whenever the generator or a contract changed, then
 * anew every refresh interval so that fresh tables stay fresh. A module of the data mesh
 * plugin, so the data is there before its contract tests first run. A failed build is logged
 * and leaves the previous data; it never stops the portal.
 */
export const exampleDataModule = createBackendModule({
  pluginId: 'data-mesh',
  moduleId: 'example-data',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ config, logger, scheduler }) {
        const settings = readExampleDataSettings(config);
        if (!settings) return;
        const build = async () => {
          try {
            await buildExampleData(settings, { now: new Date(), logger });
          } catch (error) {
            logger.error(
              `Example data was not built: ${(error as Error).message}`,
            );
          }
        };
        await build();
        const refresh = { milliseconds: settings.refreshMs };
        await scheduler.scheduleTask({
          id: 'example-data-refresh',
          frequency: refresh,
          initialDelay: refresh,
          timeout: { minutes: 5 },
          fn: build,
        });
      },
    });
  },
});
