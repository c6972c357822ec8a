import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  DataProductRules,
  DEFAULT_MAX_POLICIES_PER_DOMAIN,
  DEFAULT_PRODUCT_TIME_LIMIT_MS,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import { readDataMeshRules } from '@datamesh-portal/plugin-data-mesh-node';
import { DEFAULT_MAX_SOURCES_PER_PRODUCT } from '../database/FactStore';

/** The settings of the data mesh backend, with the defaults filled in. */
export interface DataMeshBackendConfig {
  /** Scorecard levels and checks, global governance policies. */
  rules: DataProductRules;
  /** How often every data product is evaluated. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * How long the first pass waits at most for the catalog to finish its first processing, in
   * milliseconds; a pass run without it has provisional results that notify nobody.
   */
  catalogWaitMs: number;
  /** What a pass does with products that left the catalog. */
  removal: {
    /**
     * A pass that finds more than this percentage of the products with results gone from the
     * catalog removes them only if the catalog confirms each, asked again by ref.
     */
    maxPercent: number;
    /** How long removed products keep their results and history, in milliseconds. */
    retentionMs: number;
  };
  /** Bounds of the stored facts. */
  facts: {
    /** How long fact history is kept, in milliseconds; each source's latest value stays. */
    retentionMs: number;
    /** The most fact sources one product may have. */
    maxSourcesPerProduct: number;
    /** How often fact history past its retention is deleted. */
    cleanupSchedule: SchedulerServiceTaskScheduleDefinition;
  };
  waivers: {
    /** The longest a waiver may run, in days. */
    maxDays: number;
    /** Owners are reminded this many days before a waiver expires. */
    reminderDays: number;
    /** How often expired waivers are closed and reminders sent. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  /** Usage agreements (`dataMesh.access`). */
  access: {
    /** Both sides are reminded this many days before an agreement ends. */
    reminderDays: number;
    /** How often agreements are reconciled with the data servers. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  /**
   * What each pipeline (a service principal, by subject) may push facts for: a service
   * principal without a scope here may push for no product (empty when
   * `dataMesh.facts.pipelines` is not configured).
   */
  factPipelines: FactPipelineScope[];
  /** Bounds of evaluating the rules of products. */
  ruleBounds: {
    /** How long the checks and policies of one product may run in one evaluation. */
    productTimeoutMs: number;
    /** The most policies of one domain that are evaluated (the catalog refuses more). */
    maxPoliciesPerDomain: number;
  };
  /** Bounds of the REST API. */
  api: {
    /** The largest request body accepted, in bytes; larger ones get 413. */
    maxBodyBytes: number;
  };
}

/** Request bodies larger than this are refused unless configured otherwise: 512 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

function readMaxBodyBytes(root: Config): number {
  const key = 'dataMesh.api.maxBodyBytes';
  const bytes = root.getOptionalNumber(key) ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) {
    throw new InputError(
      `${key}: must be a whole number of bytes, at least 1024`,
    );
  }
  return bytes;
}

/** The products one pipeline may push facts for: any of these refs, domains or owners. */
export interface FactPipelineScope {
  /** The subject of the service principal, e.g. of a static external access token. */
  subject: string;
  /** Refs of products, lowercase. */
  entityRefs: string[];
  /** Refs of domains whose products it may push for, lowercase. */
  domainRefs: string[];
  /** Refs of owners whose products it may push for, lowercase. */
  ownerRefs: string[];
}

function readRefs(
  config: Config,
  key: string,
  defaultKind: string,
  at: string,
): string[] {
  return (config.getOptionalStringArray(key) ?? []).map(value => {
    try {
      return entityRefKey(value, { defaultKind });
    } catch {
      throw new InputError(
        `${at}.${key}: "${value}" is not a valid entity ref`,
      );
    }
  });
}

function readFactPipelines(root: Config): FactPipelineScope[] {
  const list = root.getOptionalConfigArray('dataMesh.facts.pipelines') ?? [];
  return list.map((pipeline, i) => {
    const at = `dataMesh.facts.pipelines[${i}]`;
    return {
      subject: pipeline.getString('subject'),
      entityRefs: readRefs(pipeline, 'entityRefs', 'DataProduct', at),
      domainRefs: readRefs(pipeline, 'domains', 'Domain', at),
      ownerRefs: readRefs(pipeline, 'owners', 'Group', at),
    };
  });
}

/** A task schedule at `key` (default `schedule`) of `config`, else the fallback. */
export function readSchedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
  key = 'schedule',
): SchedulerServiceTaskScheduleDefinition {
  return config?.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}

/** A duration setting (`{ days: 30 }`, `P30D` or `30 days`) in milliseconds, above 0. */
export function readMilliseconds(
  root: Config,
  key: string,
  fallback: HumanDuration,
): number {
  const ms = durationToMilliseconds(
    root.has(key) ? readDurationFromConfig(root, { key }) : fallback,
  );
  if (!(ms > 0)) {
    throw new InputError(`${key}: must be a duration above 0`);
  }
  return ms;
}

/** A whole number setting of at least `min`. */
export function readCount(
  root: Config,
  key: string,
  fallback: number,
  min: number,
) {
  const value = root.getOptionalNumber(key) ?? fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${key}: must be a whole number, at least ${min}`);
  }
  return value;
}

function readMaxPercent(root: Config): number {
  const key = 'dataMesh.scorecards.removal.maxPercent';
  const value = root.getOptionalNumber(key) ?? 50;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new InputError(`${key}: must be a percentage from 0 to 100`);
  }
  return value;
}

function readDays(config: Config | undefined, key: string, fallback: number) {
  const days = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(days) || days <= 0) {
    throw new InputError(
      `dataMesh.governance.waivers.${key}: must be a number of days above 0`,
    );
  }
  return days;
}

function readAccessReminderDays(root: Config): number {
  const key = 'dataMesh.access.reminderDays';
  const days = root.getOptionalNumber(key) ?? 14;
  if (!Number.isFinite(days) || days <= 0 || days > 365) {
    throw new InputError(
      `${key}: must be a number of days above 0, at most 365`,
    );
  }
  return days;
}

/**
 * Reads `dataMesh`: the rules (see `readDataMeshRules`), the evaluation schedule
 * (`dataMesh.scorecards.schedule`, default every 5 minutes) and how long its first pass waits
 * for the catalog (`dataMesh.scorecards.catalogWait`, default 3 minutes), what a pass does with products
 * gone from the catalog (`dataMesh.scorecards.removal`), the waiver settings
 * (`dataMesh.governance.waivers`), what pipelines may push facts for
 * (`dataMesh.facts.pipelines`), the bounds of stored facts (`dataMesh.facts.retention`,
 * `maxSourcesPerProduct`, `cleanupSchedule`) and of evaluating rules
 * (`dataMesh.scorecards.productTimeout`, `dataMesh.governance.maxPoliciesPerDomain`). Bad
 * rules stop the backend when they are compiled.
 */
export function readDataMeshBackendConfig(root: Config): DataMeshBackendConfig {
  const waivers = root.getOptionalConfig('dataMesh.governance.waivers');
  return {
    rules: readDataMeshRules(root),
    schedule: readSchedule(root.getOptionalConfig('dataMesh.scorecards'), {
      frequency: { minutes: 5 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 10 },
    }),
    catalogWaitMs: readMilliseconds(root, 'dataMesh.scorecards.catalogWait', {
      minutes: 3,
    }),
    removal: {
      maxPercent: readMaxPercent(root),
      retentionMs: readMilliseconds(
        root,
        'dataMesh.scorecards.removal.retention',
        { days: 30 },
      ),
    },
    facts: {
      retentionMs: readMilliseconds(root, 'dataMesh.facts.retention', {
        days: 90,
      }),
      maxSourcesPerProduct: readCount(
        root,
        'dataMesh.facts.maxSourcesPerProduct',
        DEFAULT_MAX_SOURCES_PER_PRODUCT,
        1,
      ),
      cleanupSchedule: root.has('dataMesh.facts.cleanupSchedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            root.getConfig('dataMesh.facts.cleanupSchedule'),
          )
        : {
            frequency: { hours: 1 },
            timeout: { minutes: 15 },
            initialDelay: { minutes: 1 },
          },
    },
    waivers: {
      maxDays: readDays(waivers, 'maxDays', 180),
      reminderDays: readDays(waivers, 'reminderDays', 7),
      schedule: readSchedule(waivers, {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
      }),
    },
    access: {
      reminderDays: readAccessReminderDays(root),
      schedule: readSchedule(root.getOptionalConfig('dataMesh.access'), {
        frequency: { minutes: 5 },
        timeout: { minutes: 5 },
        initialDelay: { seconds: 30 },
      }),
    },
    factPipelines: readFactPipelines(root),
    ruleBounds: {
      productTimeoutMs: readMilliseconds(
        root,
        'dataMesh.scorecards.productTimeout',
        { milliseconds: DEFAULT_PRODUCT_TIME_LIMIT_MS },
      ),
      maxPoliciesPerDomain: readCount(
        root,
        'dataMesh.governance.maxPoliciesPerDomain',
        DEFAULT_MAX_POLICIES_PER_DOMAIN,
        1,
      ),
    },
    api: { maxBodyBytes: readMaxBodyBytes(root) },
  };
}
