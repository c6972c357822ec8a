import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  dataMesh?: {
    /** Quality scorecards of data products. */
    scorecards?: {
      /** Levels from lowest to highest. Default bronze, silver, gold. */
      levels?: string[];
      /**
       * Whether the default checks apply (see the README of
       * `@datamesh-portal/plugin-data-mesh-common`); a configured check with a default's id
       * replaces it. Default true.
       */
      defaultChecks?: boolean;
      /** Checks added to, or replacing, the defaults. */
      checks?: Array<{
        /** Unique id, e.g. has-purpose. */
        id: string;
        title: string;
        description?: string;
        /** e.g. documentation, ownership, contracts, quality, operations */
        category?: string;
        /** One of `levels`; a check without a level only counts towards the score. */
        level?: string;
        /** Weight in the score; default 1. */
        weight?: number;
        /** CEL: the check is skipped for products where this is false. */
        appliesTo?: string;
        /** CEL: true when the product passes. */
        rule: string;
        /** How to fix a failure. */
        remediation?: string;
      }>;
      /** How often every data product is evaluated; default every 5 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
