import {
  Governance,
  Scorecard,
  ScorecardCheckDefinition,
  ScorecardCheckResult,
} from '../api';
import {
  RuleContext,
  RuleContextError,
  RuleContextImpl,
  RuleContextInput,
  toRuleContext,
} from './context';
import {
  CompileRuleOptions,
  CompiledRule,
  compileRules,
  evaluateRule,
  EvaluateRuleOptions,
} from './engine';
import { RuleCompileError, RuleCompileProblem } from './errors';

/**
 * Compiles scorecard checks, after checking what the rule compiler does not: each level is one
 * of `levels`, each weight a finite number of at least 0, levels are unique. Throws a
 * {@link RuleCompileError} with every problem.
 * @public
 */
export function compileScorecardChecks(
  definitions: ScorecardCheckDefinition[],
  levels: string[],
  options: CompileRuleOptions = {},
): CompiledRule[] {
  const problems: RuleCompileProblem[] = [];
  if (new Set(levels).size !== levels.length) {
    problems.push({
      ruleId: '(levels)',
      field: 'levels',
      message: 'levels must be unique',
    });
  }
  for (const d of definitions) {
    if (d.level !== undefined && !levels.includes(d.level)) {
      problems.push({
        ruleId: d.id,
        field: 'level',
        message: `"${d.level}" is not one of the levels ${levels.join(', ')}`,
      });
    }
    if (
      d.weight !== undefined &&
      (typeof d.weight !== 'number' ||
        !Number.isFinite(d.weight) ||
        d.weight < 0)
    ) {
      problems.push({
        ruleId: d.id,
        field: 'weight',
        message: 'must be a number of at least 0',
      });
    }
  }
  let compiled: CompiledRule[] = [];
  try {
    compiled = compileRules(definitions, options);
  } catch (e) {
    if (!(e instanceof RuleCompileError)) {
      throw e;
    }
    problems.push(...e.problems);
  }
  if (problems.length) {
    throw new RuleCompileError(problems);
  }
  return compiled;
}

interface Plan {
  compiled: CompiledRule[];
  levels: string[];
  checks: Array<{
    id: string;
    rule?: CompiledRule;
    weight: number;
    /** Index of the check's level in `levels`, -1 without one. */
    level: number;
  }>;
}

function weightOf(d: ScorecardCheckDefinition): number {
  if (d.weight === undefined) {
    return 1;
  }
  return Number.isFinite(d.weight) && d.weight > 0 ? d.weight : 0;
}

const plans = new WeakMap<ScorecardCheckDefinition[], Plan>();

function planFor(
  compiled: CompiledRule[],
  definitions: ScorecardCheckDefinition[],
  levels: string[],
): Plan {
  const cached = plans.get(definitions);
  if (
    cached &&
    cached.compiled === compiled &&
    cached.checks.length === definitions.length &&
    cached.levels.length === levels.length &&
    cached.levels.every((l, i) => l === levels[i])
  ) {
    return cached;
  }
  const byId = new Map(compiled.map(c => [c.id, c]));
  const plan: Plan = {
    compiled,
    levels: [...levels],
    checks: definitions.map(d => ({
      id: d.id,
      rule: byId.get(d.id),
      weight: weightOf(d),
      level: d.level === undefined ? -1 : levels.indexOf(d.level),
    })),
  };
  plans.set(definitions, plan);
  return plan;
}

/**
 * Evaluates scorecard checks against one product.
 *
 * - `checks`: one result per definition, in their order.
 * - `score`: the weighted share of passing checks among the applicable ones (pass, fail and
 *   error are applicable, an error does not pass; skipped checks do not count), 0-100 rounded to
 *   one decimal; 100 when no check applies (nothing is failing).
 * - `level`: the highest level L such that every applicable check of L and of all lower levels
 *   passes (a level without applicable checks passes); null when the first level does not.
 *   Checks without a level, or with a level not in `levels`, only count towards the score.
 * @public
 */
export function evaluateScorecard(
  compiledChecks: CompiledRule[],
  definitions: ScorecardCheckDefinition[],
  levels: string[],
  context: RuleContext | RuleContextInput,
  options: EvaluateRuleOptions = {},
): Scorecard {
  const plan = planFor(compiledChecks, definitions, levels);
  let ctx: RuleContextImpl | undefined;
  let contextError: string | undefined;
  try {
    ctx = toRuleContext(context);
  } catch (e) {
    if (!(e instanceof RuleContextError)) {
      throw e;
    }
    contextError = `invalid context: ${e.message}`;
  }
  const checks: ScorecardCheckResult[] = new Array(plan.checks.length);
  let applicableWeight = 0;
  let passingWeight = 0;
  // The lowest level with an applicable check that does not pass.
  let firstFailedLevel = plan.levels.length;
  for (let i = 0; i < plan.checks.length; i++) {
    const check = plan.checks[i];
    let result: ScorecardCheckResult;
    if (contextError !== undefined) {
      result = { id: check.id, outcome: 'error', message: contextError };
    } else if (!check.rule) {
      result = {
        id: check.id,
        outcome: 'error',
        message: 'the check is not compiled',
      };
    } else {
      const r = evaluateRule(check.rule, ctx!, options);
      result =
        r.message === undefined
          ? { id: check.id, outcome: r.outcome }
          : { id: check.id, outcome: r.outcome, message: r.message };
    }
    checks[i] = result;
    if (result.outcome === 'skipped') {
      continue;
    }
    applicableWeight += check.weight;
    if (result.outcome === 'pass') {
      passingWeight += check.weight;
    } else if (check.level >= 0 && check.level < firstFailedLevel) {
      firstFailedLevel = check.level;
    }
  }
  const score =
    applicableWeight > 0
      ? Math.round((1000 * passingWeight) / applicableWeight) / 10
      : 100;
  return {
    score,
    level: firstFailedLevel > 0 ? plan.levels[firstFailedLevel - 1] : null,
    checks,
  };
}

/**
 * The level cap of governance: a product that is not compliant holds at most the level below
 * the top one (none with a single level), whatever its checks earn, so that score, level and
 * compliance tell one story. Returns the scorecard with `level` held and `levelCap` saying
 * why, or with the checks' level and no `levelCap` when compliance holds nothing back. It
 * starts from the checks' level (`levelCap.checksLevel` of a scorecard capped before), so it
 * can be applied again once waivers are known.
 *
 * `governance` is the verdict the cap follows (waivers applied or not); `titleOf` names a
 * policy for the reason (its id when it has no title).
 * @public
 */
export function capScorecardLevel(
  scorecard: Scorecard,
  levels: string[],
  governance: Governance,
  titleOf: (policyId: string) => string | undefined = () => undefined,
): Scorecard {
  const { levelCap, ...uncapped } = scorecard;
  const checksLevel = levelCap ? levelCap.checksLevel : scorecard.level;
  const earned = checksLevel === null ? -1 : levels.indexOf(checksLevel);
  const cap = levels.length - 2;
  if (governance.compliant || earned <= cap) {
    return { ...uncapped, level: checksLevel };
  }
  const policyIds = governance.results.filter(r => r.blocking).map(r => r.id);
  const names = policyIds.map(id => titleOf(id) ?? id);
  const held = cap >= 0 ? `at ${levels[cap]}` : 'without a level';
  return {
    ...uncapped,
    level: cap >= 0 ? levels[cap] : null,
    levelCap: {
      checksLevel,
      policyIds,
      reason: `Held ${held}, below ${levels[earned]}: not compliant with ${
        names.length === 1 ? 'the enforced policy' : 'the enforced policies'
      } ${names.map(n => `“${n}”`).join(', ')}. Fix or waive ${
        names.length === 1 ? 'it' : 'them'
      } to hold ${levels[earned]}.`,
    },
  };
}
