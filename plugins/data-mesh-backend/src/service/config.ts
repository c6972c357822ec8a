import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DataProductRules,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import { readDataMeshRules } from '@datamesh-portal/plugin-data-mesh-node';

/** The settings of the data mesh backend, with the defaults filled in. */
export interface DataMeshBackendConfig {
  /** Scorecard levels and checks, global governance policies. */
  rules: DataProductRules;
  /** How often every data product is evaluated. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  waivers: {
    /** The longest a waiver may run, in days. */
    maxDays: number;
    /** Owners are reminded this many days before a waiver expires. */
    reminderDays: number;
    /** How often expired waivers are closed and reminders sent. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  /**
   * What each pipeline (a service principal, by subject) may push facts for; undefined when
   * `dataMesh.facts.pipelines` is not configured.
   */
  factPipelines?: FactPipelineScope[];
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

function readFactPipelines(root: Config): FactPipelineScope[] | undefined {
  const list = root.getOptionalConfigArray('dataMesh.facts.pipelines');
  if (!list) return undefined;
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

function readSchedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : fallback;
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

/**
 * Reads `dataMesh`: the rules (see `readDataMeshRules`), the evaluation schedule
 * (`dataMesh.scorecards.schedule`, default every 5 minutes), the waiver settings
 * (`dataMesh.governance.waivers`) and what pipelines may push facts for
 * (`dataMesh.facts.pipelines`). Bad rules stop the backend when they are compiled.
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
    waivers: {
      maxDays: readDays(waivers, 'maxDays', 180),
      reminderDays: readDays(waivers, 'reminderDays', 7),
      schedule: readSchedule(waivers, {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
      }),
    },
    factPipelines: readFactPipelines(root),
    api: { maxBodyBytes: readMaxBodyBytes(root) },
  };
}
