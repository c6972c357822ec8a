import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DataProductRules } from '@datamesh-portal/plugin-data-mesh-common';
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
 * (`dataMesh.scorecards.schedule`, default every 5 minutes) and the waiver settings
 * (`dataMesh.governance.waivers`). Bad rules stop the backend when they are compiled.
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
  };
}
