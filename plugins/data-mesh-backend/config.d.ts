import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

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
      /**
       * How long the first pass after the backend starts waits at most for the catalog to
       * finish its first processing (every entity it knows of processed once, as the data mesh
       * catalog module tells), e.g. `{ minutes: 3 }`: evaluated earlier, a product's domain,
       * owner or contracts may only not be processed yet, and its violations not real. A pass
       * run without it has provisional results: they notify nobody and remove nothing. Keep it
       * below the schedule's timeout. Default 3 minutes.
       */
      catalogWait?: HumanDuration | string;
      /**
       * How long the checks and policies of one product may run in one evaluation (the pass,
       * a re-evaluation, the dry run), e.g. `{ milliseconds: 500 }` or `PT0.5S`: those still
       * running then, or not started, end in `error`, so a domain whose policies run long
       * costs its own products an error and no one else anything. Default 500 ms.
       */
      productTimeout?: HumanDuration | string;
      /**
       * Products that left the catalog. A pass removes them softly: their results and history
       * are hidden (scorecards, history, rollups, explorer) and kept, and restored if the
       * product comes back.
       */
      removal?: {
        /**
         * A pass that finds more than this percentage of the products with results missing
         * from the catalog's list (the catalog briefly answering empty, say) removes them only
         * if the catalog, asked again for each by ref, confirms that none exists; otherwise it
         * removes nothing and logs a warning. 0 to 100; default 50.
         */
        maxPercent?: number;
        /**
         * How long removed products keep their results, history, explorer row and facts before
         * they are purged, e.g. `{ days: 30 }`, `P30D` or `30 days`. Default 30 days.
         */
        retention?: HumanDuration | string;
      };
    };
    /**
     * Fact providers registered by backend modules. Each runs as its own scheduled task; a run
     * whose `collect` throws or takes longer than its timeout fails alone (its signal is
     * aborted, nothing is stored) and the provider runs again on its schedule.
     */
    factProviders?: {
      /**
       * How long one `collect` may take, for every provider; default the timeout of the
       * provider's own schedule.
       */
      timeout?: HumanDuration | string;
      /** Per provider, by source name. */
      sources?: {
        [source: string]: {
          /** How long one `collect` of this provider may take. */
          timeout?: HumanDuration | string;
        };
      };
    };
    /** Facts pushed by pipelines (`POST /api/data-mesh/facts`) and pulled by fact providers. */
    facts?: {
      /**
       * How long fact history is kept, e.g. `{ days: 90 }`, `P90D` or `90 days`; older
       * observations are deleted by a scheduled cleanup, except the latest of each product and
       * source, which always stays. Default 90 days.
       */
      retention?: HumanDuration | string;
      /** How often the fact history cleanup runs; default every hour. */
      cleanupSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The most fact sources one product may have. A push of one more source is refused
       * with 400 (naming `source` and this cap); a fact provider's observations of one more
       * are left out with a warning. Sources a product has keep taking observations.
       * Default 20.
       */
      maxSourcesPerProduct?: number;
      /**
       * What each pipeline may push facts for. Backstage's permission policy never sees
       * service principals (a static token is allowed whatever its access restrictions
       * permit), so the scope of a pipeline token is set here, by its subject. Denied by
       * default: a service principal whose subject is not listed (and any, when this is not
       * set) may push for no product. Users are decided by the permission policy
       * (`data-mesh.facts.push` on the product).
       */
      pipelines?: Array<{
        /** The subject of the token, e.g. `subject` of a static external access token. */
        subject: string;
        /** Products it may push for (kind defaults to DataProduct). */
        entityRefs?: string[];
        /** Domains whose products it may push for (kind defaults to Domain). */
        domains?: string[];
        /** Teams whose products it may push for (kind defaults to Group). */
        owners?: string[];
      }>;
    };
    /**
     * Contract history: every definition of each data contract in the catalog is recorded
     * the first time it is seen; when one breaks consumers, the owners of the products and
     * usage agreements relying on the contract are notified.
     */
    contractHistory?: {
      /** How often the catalog's contracts are read. Default every 5 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Contract tests: each contract a data product provides (its API entities of
     * `spec.type: odcs`) is tested on the data server its `servers[].server` names, one of
     * `dataMesh.servers` (declared by `@datamesh-portal/plugin-data-mesh-contract-tests`; hosts
     * and credentials come from there only, never from a contract). Each run is kept, and the
     * product's latest runs become its facts `contract_tests` and `freshness`.
     */
    contractTests?: {
      /**
       * How often every contract of every active product is tested; one instance at a time
       * across backends. Default every hour, with a timeout of 30 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often contracts never tested are looked for (of products just created, as drafts
       * too, or of contracts just added) and tested. Default every minute.
       */
      newContractsSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How long the test of one contract may take, e.g. `{ minutes: 5 }` or `PT5M`; past it
       * the test is aborted and its run records an error. Default 5 minutes. (Each query is
       * also bounded by its server's `statementTimeout`.)
       */
      timeout?: HumanDuration | string;
      /** Products a scheduled run tests at once. Default 2. */
      concurrency?: number;
      /** Queries each data server runs at once on one backend instance. Default 4. */
      maxConcurrentQueries?: number;
      /**
       * How long runs are kept, e.g. `{ days: 90 }` or `P90D`; older ones are deleted after
       * each scheduled run. Default 90 days.
       */
      retention?: HumanDuration | string;
      /** The most runs kept of each contract of a product (the newest). Default 100. */
      keepRunsPerContract?: number;
    };
    /** Bounds of the REST API (`/api/data-mesh`). */
    api?: {
      /**
       * The largest request body any route accepts, in bytes (at least 1024); a larger one is
       * refused with 413. Default 524288 (512 KiB).
       */
      maxBodyBytes?: number;
    };
    /** Federated governance: global policies and waivers. */
    governance?: {
      /**
       * The most policies a Domain may have (`spec.policies`). The catalog module refuses a
       * Domain with more; should one reach the backend, its first ones are evaluated and the
       * first one over the limit ends in `error`. Default 50.
       */
      maxPoliciesPerDomain?: number;
      /**
       * Whether the default global policies apply (see the README of
       * `@datamesh-portal/plugin-data-mesh-common`); a configured policy with a default's id
       * replaces it. Default true.
       */
      defaultPolicies?: boolean;
      /**
       * Global policies, added to or replacing the defaults. Domains add their own on their
       * Domain entity (`spec.policies`); those cannot reuse a global id.
       */
      policies?: Array<{
        /** Unique id: lowercase letters and digits with single hyphens. */
        id: string;
        title?: string;
        description?: string;
        /** Default error. Only an error can block. */
        severity?: 'error' | 'warning';
        /**
         * Lifecycle, default enforce: draft (evaluated, shown to governance admins only), warn
         * (shown, never blocks), enforce (a failure of an error policy blocks), retired.
         */
        enforcement?: 'draft' | 'warn' | 'enforce' | 'retired';
        /** CEL: the policy is skipped for products where this is false. */
        appliesTo?: string;
        /** CEL: true when the product complies. */
        rule: string;
        /** How to comply. */
        remediation?: string;
      }>;
      waivers?: {
        /** The longest a waiver may run, in days. Default 180. */
        maxDays?: number;
        /** Owners are reminded this many days before a waiver expires. Default 7. */
        reminderDays?: number;
        /** How often expired waivers are closed and reminders sent; default every minute. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
    /** Usage agreements on output ports and the grants that enforce them. */
    access?: {
      /** Both sides of an agreement are reminded this many days before it ends. Default 14. */
      reminderDays?: number;
      /**
       * How often agreements are reconciled: ended ones expired and revoked, failed grants
       * retried, grants removed by hand restored. Default every 5 minutes; one instance runs it.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * By id of `dataMesh.servers` (postgres only): the PostgreSQL user that creates agreement
       * roles and grants. Access is granted only on servers listed here.
       */
      servers?: {
        [serverId: string]: {
          user: string;
          /** @visibility secret */
          password?: string;
          /** Connections its pool opens at most, 1 to 20. Default 2. */
          maxConnections?: number;
        };
      };
      /** Consumers' database roles; they win over the entity's annotation. */
      consumerRoles?: Array<{
        /** The consumer's entity ref (a Group, Component or System). */
        entity: string;
        role: string;
        /** The server it applies to; every server when absent. */
        server?: string;
      }>;
    };
    /**
     * Self-service tables of output ports: created from their contracts by the product's
     * owners (the New data product template, the portal), and taken down at retirement.
     */
    provisioning?: {
      /**
       * By id of `dataMesh.servers` (postgres or duckdb): the servers tables may be created on.
       * A domain uses only those that list it, or that list no domain.
       */
      servers?: {
        [serverId: string]: {
          /** Domain refs that may use the server; every domain when absent. */
          domains?: string[];
          /** PostgreSQL: the user that creates schemas and tables (not the read-only one). */
          user?: string;
          /** @visibility secret */
          password?: string;
        };
      };
      /**
       * What happens to a retired product's tables once its sunset has passed (its agreements
       * are revoked either way): `keep` them (the default) or `drop` them.
       */
      retiredObjects?: 'keep' | 'drop';
      /** How often retired products past their sunset are taken down; default hourly. */
      retirementSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
