import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { DEFAULT_RULE_LIMITS, RuleLimits } from './limits';

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

const DAY = 86_400;
const ISO_DURATION =
  /^P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const ISO_UNIT_SECONDS = [365 * DAY, 30 * DAY, 7 * DAY, DAY, 3600, 60, 1];

/** The constructor cel-js uses for `google.protobuf.Duration` values. */
type DurationConstructor = new (seconds: bigint | number, nanos?: number) => {
  valueOf(): number;
};

/** cel-js classes that are not part of its typed public API, found through values. */
export interface CelRuntimeClasses {
  Duration: DurationConstructor & {
    fromMilliseconds(ms: number): unknown;
  };
}

/**
 * Seconds of an ISO-8601 duration such as `PT24H` or `P7D`; a year counts as 365 days and a
 * month as 30 days. Undefined when the text is not such a duration.
 */
export function isoDurationSeconds(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match) {
    return undefined;
  }
  let seconds = 0;
  for (let i = 0; i < ISO_UNIT_SECONDS.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) {
      seconds += Number(part.replace(',', '.')) * ISO_UNIT_SECONDS[i];
    }
  }
  return seconds;
}

export interface RuleEnvironment {
  env: Environment;
  limits: RuleLimits;
  classes: CelRuntimeClasses;
  /** `isoDuration(string)`, shared by cel-js and the compiled closures. */
  isoDuration(text: unknown): unknown;
}

function createRuleEnvironment(limits: RuleLimits): RuleEnvironment {
  const env = new Environment({
    limits: {
      maxAstNodes: limits.maxAstNodes,
      maxDepth: limits.maxDepth,
      maxListElements: limits.maxListElements,
      maxMapEntries: limits.maxMapEntries,
      maxCallArguments: limits.maxCallArguments,
    },
  });
  for (const v of RULE_VARIABLES) {
    env.registerVariable(v.name, v.type, { description: v.description });
  }
  const Duration = env.evaluate("duration('0s')")
    .constructor as CelRuntimeClasses['Duration'];

  const isoDuration = (text: unknown) => {
    const seconds =
      typeof text === 'string' ? isoDurationSeconds(text) : undefined;
    if (seconds === undefined) {
      throw new EvaluationError(
        `isoDuration() requires an ISO-8601 duration such as PT24H, got ${JSON.stringify(
          text,
        )}`,
      );
    }
    const whole = Math.floor(seconds);
    return new Duration(BigInt(whole), Math.round((seconds - whole) * 1e9));
  };
  env.registerFunction(
    'isoDuration(string): google.protobuf.Duration',
    isoDuration,
    {
      async: false,
      description:
        'An ISO-8601 duration (PT24H, P7D; a year is 365 days, a month 30 days) as a CEL duration.',
    },
  );
  return { env, limits, classes: { Duration }, isoDuration };
}

const environments = new Map<string, RuleEnvironment>();

/** The shared environment for a set of limits. */
export function getRuleEnvironment(
  overrides?: Partial<RuleLimits>,
): RuleEnvironment {
  const limits: RuleLimits = { ...DEFAULT_RULE_LIMITS, ...overrides };
  const key = JSON.stringify(limits);
  let environment = environments.get(key);
  if (!environment) {
    environment = createRuleEnvironment(limits);
    environments.set(key, environment);
  }
  return environment;
}
