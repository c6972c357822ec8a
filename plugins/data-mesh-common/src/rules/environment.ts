import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { Duration as CelDuration } from '@marcbachmann/cel-js/evaluator';
import { RE2JS } from 're2js';
import { MAX_ISO_DURATION_LENGTH, readIsoDuration } from '../util/isoDuration';
import { contextLimits } from './context';
import { checkedRange } from './deadline';
import { DEFAULT_RULE_LIMITS, RuleContextLimits, RuleLimits } from './limits';

/**
 * The variables every rule can read, with their CEL types.
 * @public
 */
export const RULE_VARIABLES: ReadonlyArray<{
  name: string;
  type: string;
  description: string;
}> = [
  {
    name: 'entity',
    type: 'map<string, dyn>',
    description: 'The entity evaluated (a DataProduct), as JSON.',
  },
  {
    name: 'domain',
    type: 'dyn',
    description: "The entity's resolved Domain entity, or null.",
  },
  {
    name: 'owner',
    type: 'dyn',
    description:
      "The entity's resolved owner entity (usually a Group), or null.",
  },
  {
    name: 'upstream',
    type: 'list<map<string, dyn>>',
    description: 'The resolved upstream DataProducts of its input ports.',
  },
  {
    name: 'facts',
    type: 'map<string, map<string, dyn>>',
    description: 'The latest values of each fact source: facts.ci.testsFailed.',
  },
  {
    name: 'observedAt',
    type: 'map<string, google.protobuf.Timestamp>',
    description: 'When the values of each fact source were observed.',
  },
  {
    name: 'now',
    type: 'google.protobuf.Timestamp',
    description: 'The time of the evaluation.',
  },
];

/** Names of the context variables. */
export const ROOT_VARIABLES = new Set(RULE_VARIABLES.map(v => v.name));

/**
 * Seconds of an ISO-8601 duration such as `PT24H` or `P7D` (read by luxon, a year counting as
 * 365 days and a month as 30); undefined when the text is no such duration (`readIsoDuration`).
 */
export function isoDurationSeconds(text: string): number | undefined {
  return readIsoDuration(text)?.as('seconds');
}

function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Seconds by text: products share a handful of SLO durations, which luxon parses slowly. */
const durations = new Map<string, number | undefined>();

/** `isoDuration(string)`: an ISO-8601 duration as a CEL duration. */
function isoDuration(text: string): CelDuration {
  let seconds = durations.get(text);
  if (seconds === undefined && !durations.has(text)) {
    seconds = isoDurationSeconds(text);
    if (text.length <= MAX_ISO_DURATION_LENGTH) {
      if (durations.size >= 1000) {
        durations.clear();
      }
      durations.set(text, seconds);
    }
  }
  if (seconds === undefined) {
    throw new EvaluationError(
      `isoDuration() requires an ISO-8601 duration such as PT24H, got ${quoted(
        text,
      )}`,
    );
  }
  const whole = Math.floor(seconds);
  return new CelDuration(BigInt(whole), Math.round((seconds - whole) * 1e9));
}

/** A `matches()` pattern compiled by RE2JS: linear-time matching with RE2 syntax, as CEL says. */
export class RulePattern {
  readonly re: RE2JS;
  constructor(readonly source: string) {
    this.re = RE2JS.compile(source);
  }
}

/** Patterns by source, shared by every rule; patterns only come from rule literals. */
const patterns = new Map<string, RulePattern>();
const MAX_CACHED_PATTERNS = 10_000;

/** The pattern of a source, compiled once. Throws RE2JS's syntax error for a bad one. */
export function rulePattern(source: string): RulePattern {
  let pattern = patterns.get(source);
  if (!pattern) {
    if (patterns.size >= MAX_CACHED_PATTERNS) {
      patterns.clear();
    }
    pattern = new RulePattern(source);
    patterns.set(source, pattern);
  }
  return pattern;
}

/**
 * The name of the function that turns a `matches()` pattern into a {@link RulePattern}: rules
 * are evaluated with their pattern literals wrapped in it, so that cel-js calls the RE2
 * overload of `matches` below instead of its own, which runs JavaScript's backtracking
 * RegExp. Rules themselves cannot call it: it exists in the evaluation environment only.
 */
export const PATTERN_FUNCTION = 'regex';

/**
 * The name of the function each comprehension's range is wrapped in, in the expression cel-js
 * evaluates (see `checkedRange`): under a deadline, it checks the deadline at each element.
 * Rules themselves cannot call it either.
 */
export const RANGE_FUNCTION = 'checkedRange';

export interface RuleEnvironment {
  /** Parses and checks rules as written. */
  env: Environment;
  /**
   * Evaluates rules, their patterns wrapped in {@link PATTERN_FUNCTION} and the ranges of their
   * comprehensions in {@link RANGE_FUNCTION}.
   */
  evaluationEnv: Environment;
  limits: RuleLimits;
  contextLimits: Readonly<RuleContextLimits>;
}

function createRuleEnvironment(
  limits: RuleLimits,
  context: Readonly<RuleContextLimits>,
): RuleEnvironment {
  const celLimits = {
    maxAstNodes: limits.maxAstNodes,
    maxDepth: limits.maxDepth,
    maxListElements: limits.maxListElements,
    maxMapEntries: limits.maxMapEntries,
    maxCallArguments: limits.maxCallArguments,
  };
  const env = new Environment({ limits: celLimits });
  for (const v of RULE_VARIABLES) {
    env.registerVariable(v.name, v.type, { description: v.description });
  }
  env.registerFunction(
    'isoDuration(string): google.protobuf.Duration',
    isoDuration,
    {
      async: false,
      description:
        'An ISO-8601 duration (PT24H, P7D; a year is 365 days, a month 30 days) as a CEL duration.',
    },
  );
  // Each pattern or range wrapped adds one call node and one level of nesting to a node of
  // the rule: at most twice the nodes, and twice the depth.
  const evaluationEnv = env.clone({
    limits: {
      ...celLimits,
      maxAstNodes: celLimits.maxAstNodes * 2,
      maxDepth: celLimits.maxDepth * 2,
    },
  });
  evaluationEnv.registerType(PATTERN_FUNCTION, RulePattern);
  evaluationEnv.registerFunction(
    `${PATTERN_FUNCTION}(string): ${PATTERN_FUNCTION}`,
    rulePattern,
    { async: false },
  );
  evaluationEnv.registerFunction(
    `string.matches(${PATTERN_FUNCTION}): bool`,
    (text: string, pattern: RulePattern) => pattern.re.test(text),
    { async: false },
  );
  evaluationEnv.registerFunction(`${RANGE_FUNCTION}(dyn): dyn`, checkedRange, {
    async: false,
  });
  return { env, evaluationEnv, limits, contextLimits: context };
}

const environments = new Map<string, RuleEnvironment>();

/** The shared environment for a set of limits. */
export function getRuleEnvironment(
  overrides?: Partial<RuleLimits>,
  contextOverrides?: Partial<RuleContextLimits>,
): RuleEnvironment {
  const limits: RuleLimits = { ...DEFAULT_RULE_LIMITS, ...overrides };
  const context = contextLimits(contextOverrides);
  const key = JSON.stringify([limits, context]);
  let environment = environments.get(key);
  if (!environment) {
    environment = createRuleEnvironment(limits, context);
    environments.set(key, environment);
  }
  return environment;
}
