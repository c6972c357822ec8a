import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The data product collator (`@datamesh-portal/plugin-search-backend-module-data-mesh`). */
      dataMesh?: {
        /**
         * When the data products are indexed. Default: every 10 minutes, 30 seconds after
         * start-up (after the data mesh backend's first evaluation pass), 15 minutes timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Where a result links to; `:namespace` and `:name` are replaced. Default
         * `/catalog/:namespace/dataproduct/:name`, the catalog's entity page.
         */
        locationTemplate?: string;
      };
    };
  };
}
