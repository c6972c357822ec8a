/**
 * Bounds that keep any rule from stalling the process that evaluates it.
 *
 * Structural limits are checked when a rule is compiled; the evaluation cost is counted while
 * it runs; the context limits are checked when a context is created.
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
   * Evaluation budget of one expression: one unit per comprehension iteration, plus the length of
   * every list scanned by `in`, every string searched or measured and every string or list built.
   * An expression that exceeds it ends with an `error` outcome.
   */
  maxEvaluationCost: number;
}

/**
 * Bounds of the context a rule is evaluated against.
 * @public
 */
export interface RuleContextLimits {
  /** Most upstream products. */
  maxUpstream: number;
  /** Most fact sources. */
  maxFactSources: number;
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
  maxEvaluationCost: 100_000,
});

/** The default {@link RuleContextLimits}. @public */
export const DEFAULT_RULE_CONTEXT_LIMITS: Readonly<RuleContextLimits> =
  Object.freeze({
    maxUpstream: 1000,
    maxFactSources: 256,
  });
