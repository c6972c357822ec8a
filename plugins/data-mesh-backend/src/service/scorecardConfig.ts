import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_SCORECARD_CHECKS,
  DEFAULT_SCORECARD_LEVELS,
  ScorecardCheckDefinition,
} from '@datamesh-portal/plugin-data-mesh-common';

/** The scorecard settings of `dataMesh.scorecards`, with the defaults filled in. */
export interface ScorecardConfig {
  levels: string[];
  checks: ScorecardCheckDefinition[];
  /** How often every data product is evaluated. */
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 10 },
};

function readCheck(config: Config): ScorecardCheckDefinition {
  return {
    id: config.getString('id'),
    title: config.getString('title'),
    description: config.getOptionalString('description'),
    category: config.getOptionalString('category'),
    level: config.getOptionalString('level'),
    weight: config.getOptionalNumber('weight'),
    appliesTo: config.getOptionalString('appliesTo'),
    rule: config.getString('rule'),
    remediation: config.getOptionalString('remediation'),
  };
}

/**
 * Reads `dataMesh.scorecards`: the default checks (unless `defaultChecks: false`), replaced or
 * extended by the configured `checks` (a check with a default's id replaces it). A duplicate
 * id stops the backend here; levels, weights and rules are checked when the checks are
 * compiled, which also stops the backend with the check's id and the problem.
 */
export function readScorecardConfig(root: Config): ScorecardConfig {
  const config = root.getOptionalConfig('dataMesh.scorecards');
  const levels =
    config?.getOptionalStringArray('levels') ?? DEFAULT_SCORECARD_LEVELS;
  const configured = (config?.getOptionalConfigArray('checks') ?? []).map(
    readCheck,
  );

  const ids = new Set<string>();
  for (const check of configured) {
    if (ids.has(check.id)) {
      throw new InputError(
        `dataMesh.scorecards.checks: check id "${check.id}" is used twice`,
      );
    }
    ids.add(check.id);
  }
  const defaults =
    config?.getOptionalBoolean('defaultChecks') ?? true
      ? DEFAULT_SCORECARD_CHECKS.filter(check => !ids.has(check.id))
      : [];
  const checks = [...defaults, ...configured];

  const schedule = config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  return { levels, checks, schedule };
}
