import {
  GovernancePolicy,
  GovernanceResult,
  ScorecardCheckDefinition,
  ScorecardCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import { Zod } from './shared';

/*
 * A scorecard and a governance verdict as an assistant reads them: each result with the title
 * and remediation of its check or policy, so that it can say what is wrong and how to fix it
 * without a second call.
 */

export const scorecardSchema = (z: Zod) =>
  z.object({
    score: z.number().describe('Weighted share of passing checks, 0-100'),
    level: z
      .string()
      .nullable()
      .describe(
        'The highest level whose checks all pass; null below the first',
      ),
    levels: z.array(z.string()).describe('The levels, lowest first'),
    checks: z.array(
      z.object({
        id: z.string(),
        title: z.string().optional(),
        level: z.string().optional(),
        outcome: z
          .string()
          .describe('pass, fail, error (could not evaluate) or skipped'),
        message: z.string().optional(),
        remediation: z.string().optional(),
      }),
    ),
  });

export const governanceSchema = (z: Zod) =>
  z.object({
    compliant: z
      .boolean()
      .describe('No enforced policy fails (waived failures do not count)'),
    results: z.array(
      z.object({
        id: z.string(),
        title: z.string().optional(),
        severity: z.string(),
        enforcement: z
          .string()
          .describe(
            'enforce blocks, warn only warns, draft is shown to admins',
          ),
        origin: z.string().describe('global, or domain (domainRef says which)'),
        domainRef: z.string().optional(),
        outcome: z
          .string()
          .describe('pass, fail, error, skipped or waived (waiverId)'),
        blocking: z.boolean().describe('This failure makes it non-compliant'),
        message: z.string().optional(),
        remediation: z.string().optional(),
        waiverId: z.string().optional(),
      }),
    ),
  });

/** Copies the defined values only: an output schema's optional fields refuse null. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as T;
}

export function describeScorecard(
  scorecard: {
    score: number;
    level: string | null;
    checks: ScorecardCheckResult[];
  },
  rules: { checks: ScorecardCheckDefinition[]; levels: string[] },
) {
  const definitions = new Map(rules.checks.map(c => [c.id, c]));
  return {
    score: scorecard.score,
    level: scorecard.level,
    levels: rules.levels,
    checks: scorecard.checks.map(check => {
      const definition = definitions.get(check.id);
      return defined({
        id: check.id,
        title: definition?.title,
        level: definition?.level,
        outcome: check.outcome,
        message: check.message,
        remediation:
          check.outcome === 'pass' ? undefined : definition?.remediation,
      });
    }),
  };
}

export function describeGovernance(
  governance: { compliant: boolean; results: GovernanceResult[] },
  policies: GovernancePolicy[],
) {
  const key = (p: { id: string; domainRef?: string }) =>
    `${p.domainRef ?? ''}|${p.id}`;
  const byKey = new Map(policies.map(p => [key(p), p]));
  return {
    compliant: governance.compliant,
    results: governance.results.map(result => {
      const policy = byKey.get(key(result));
      return defined({
        id: result.id,
        title: policy?.title,
        severity: result.severity,
        enforcement: result.enforcement,
        origin: result.origin,
        domainRef: result.domainRef,
        outcome: result.outcome,
        blocking: result.blocking,
        message: result.message,
        remediation:
          result.outcome === 'fail' || result.outcome === 'error'
            ? policy?.remediation
            : undefined,
        waiverId: result.waiverId,
      });
    }),
  };
}
