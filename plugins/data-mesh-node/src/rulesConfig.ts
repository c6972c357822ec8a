import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DataProductRules,
  DEFAULT_GOVERNANCE_POLICIES,
  DEFAULT_SCORECARD_CHECKS,
  DEFAULT_SCORECARD_LEVELS,
  GovernancePolicyDefinition,
  PolicyEnforcement,
  PolicySeverity,
  ScorecardCheckDefinition,
} from '@datamesh-portal/plugin-data-mesh-common';

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

function readPolicy(config: Config): GovernancePolicyDefinition {
  return {
    id: config.getString('id'),
    title: config.getOptionalString('title'),
    description: config.getOptionalString('description'),
    severity: config.getOptionalString('severity') as PolicySeverity,
    enforcement: config.getOptionalString('enforcement') as PolicyEnforcement,
    appliesTo: config.getOptionalString('appliesTo'),
    rule: config.getString('rule'),
    remediation: config.getOptionalString('remediation'),
  };
}

/**
 * The defaults (unless `default<Name>: false`), replaced or extended by the configured items: an
 * item with a default's id replaces it. A duplicate configured id is refused.
 */
function withDefaults<T extends { id: string }>(
  config: Config | undefined,
  path: string,
  key: 'checks' | 'policies',
  read: (config: Config) => T,
  defaults: T[],
): T[] {
  const configured = (config?.getOptionalConfigArray(key) ?? []).map(read);
  const ids = new Set<string>();
  for (const item of configured) {
    if (ids.has(item.id)) {
      throw new InputError(`${path}.${key}: id "${item.id}" is used twice`);
    }
    ids.add(item.id);
  }
  const useDefaults =
    config?.getOptionalBoolean(
      key === 'checks' ? 'defaultChecks' : 'defaultPolicies',
    ) ?? true;
  return [
    ...(useDefaults ? defaults.filter(item => !ids.has(item.id)) : []),
    ...configured,
  ];
}

/**
 * Reads the rules of `dataMesh.scorecards` (levels, checks) and `dataMesh.governance`
 * (global policies), with the defaults filled in. The same function serves the backend and the
 * command-line check, so both apply the same rules. Rules are checked when they are compiled.
 * @public
 */
export function readDataMeshRules(root: Config): DataProductRules {
  const scorecards = root.getOptionalConfig('dataMesh.scorecards');
  const governance = root.getOptionalConfig('dataMesh.governance');
  return {
    levels:
      scorecards?.getOptionalStringArray('levels') ?? DEFAULT_SCORECARD_LEVELS,
    checks: withDefaults(
      scorecards,
      'dataMesh.scorecards',
      'checks',
      readCheck,
      DEFAULT_SCORECARD_CHECKS,
    ),
    policies: withDefaults(
      governance,
      'dataMesh.governance',
      'policies',
      readPolicy,
      DEFAULT_GOVERNANCE_POLICIES,
    ),
  };
}
