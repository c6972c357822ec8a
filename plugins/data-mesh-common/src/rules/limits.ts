/**
 * Bounds that keep any rule from stalling the process that evaluates it.
 *
 * Every bound is checked when a rule is compiled: the structural limits on its source, and its
 * worst-case evaluation cost, estimated from the {@link RuleContextLimits} that every context
 * is held to. Nothing is counted while a rule runs.
 * @public
 */
export interface RuleLimits {
  /** Longest accepted rule source, in characters. */
  maxRuleLength: number;
  /** Most AST nodes one expression may parse into (cel-js `maxAstNodes`). */
  maxAstNodes: number;
  /** Deepest nesting of sub-expressions (cel-js `maxDepth`). */
  maxDepth: number;
  /** Most elements of one list literal (cel-js `maxListElements`). */
  maxListElements: number;
  /** Most entries of one map literal (cel-js `maxMapEntries`). */
  maxMapEntries: number;
  /** Most arguments of one call (cel-js `maxCallArguments`). */
  maxCallArguments: number;
  /**
   * Most comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) and `cel.bind`s nested
   * inside one another's bodies. Chaining (`l.filter(...).all(...)`) does not nest.
   */
  maxComprehensionNesting: number;
  /**
   * Budget of one expression, in steps of the interpreter (about 0.1 µs each on Node 20): the
   * worst-case cost of the expression on any context within the {@link RuleContextLimits},
   * estimated when the rule is compiled. A rule over budget is refused.
   */
  maxEvaluationCost: number;
}

/**
 * Bounds of the context a rule is evaluated against. The worst-case cost of a rule is
 * estimated from them, so a context beyond them cannot be evaluated: the rules that read the
 * offending variable end in an `error`.
 * @public
 */
export interface RuleContextLimits {
  /** Most upstream products. */
  maxUpstream: number;
  /** Most fact sources. */
  maxFactSources: number;
  /** Most elements of any list, and entries of any object, inside the context's JSON. */
  maxItems: number;
  /**
   * Largest size of `entity`, of `domain`, of `owner` and of each upstream product: one per
   * JSON value plus one per character of its strings and keys.
   */
  maxEntitySize: number;
  /** Largest size of all upstream products together. */
  maxUpstreamSize: number;
  /** Largest size of all facts together. */
  maxFactsSize: number;
}

/** The default {@link RuleLimits}. @public */
export const DEFAULT_RULE_LIMITS: Readonly<RuleLimits> = Object.freeze({
  maxRuleLength: 4000,
  maxAstNodes: 500,
  maxDepth: 32,
  maxListElements: 100,
  maxMapEntries: 100,
  maxCallArguments: 8,
  maxComprehensionNesting: 2,
  maxEvaluationCost: 1_000_000,
});

/** The default {@link RuleContextLimits}. @public */
export const DEFAULT_RULE_CONTEXT_LIMITS: Readonly<RuleContextLimits> =
  Object.freeze({
    maxUpstream: 1000,
    maxFactSources: 256,
    maxItems: 4096,
    maxEntitySize: 262_144,
    maxUpstreamSize: 1_048_576,
    maxFactsSize: 262_144,
  });

/**
 * Lengths Backstage's catalog allows for the identifying fields of every entity (its
 * `FieldFormatEntityPolicy`), held by the entities of a context too, so that rules reading
 * them (`entity.metadata.name.matches(...)`) cost what a name costs.
 */
export const ENTITY_FIELD_LENGTHS: Readonly<Record<string, number>> =
  Object.freeze({
    apiVersion: 317, // group (253) / version (63)
    kind: 63,
    'metadata.name': 63,
    'metadata.namespace': 63,
  });

/** Longest fact source name (see `describeInvalidFactSource`). */
export const MAX_SOURCE_NAME = 64;

/**
 * How long the rules of one product (its checks and policies) may run in one evaluation by
 * default, in milliseconds: those still running, or not started, then end in `error`.
 * @public
 */
export const DEFAULT_PRODUCT_TIME_LIMIT_MS = 500;

/** The most policies one domain may have by default. @public */
export const DEFAULT_MAX_POLICIES_PER_DOMAIN = 50;
