import type { ParseResult } from '@marcbachmann/cel-js';
import { asNode, callParts, CelNode, children, isComprehension } from './ast';
import {
  RuleContext,
  RuleContextError,
  RuleContextImpl,
  RuleContextInput,
  toRuleContext,
} from './context';
import { enterDeadline, leaveDeadline, RuleDeadline } from './deadline';
import {
  PATTERN_FUNCTION,
  RANGE_FUNCTION,
  RuleEnvironment,
  getRuleEnvironment,
} from './environment';
import {
  RuleCompileError,
  RuleCompileProblem,
  celErrorOffset,
  celErrorSummary,
  problemAt,
} from './errors';
import { analyzeExpression } from './estimate';
import { RuleContextLimits, RuleLimits } from './limits';

/** A rule as written: a CEL expression and an optional applicability condition. @public */
export interface RuleDefinition {
  id: string;
  /** CEL expression that is true when the entity complies. */
  rule: string;
  /** CEL expression; the rule is skipped for entities where it is false. */
  appliesTo?: string;
}

/** Options of {@link compileRule} and {@link compileRules}. @public */
export interface CompileRuleOptions {
  /** Overrides of {@link DEFAULT_RULE_LIMITS}. */
  limits?: Partial<RuleLimits>;
  /**
   * Overrides of {@link DEFAULT_RULE_CONTEXT_LIMITS}: the contexts the rules will be evaluated
   * against, from which their worst-case cost is estimated. A context created with larger
   * limits cannot be evaluated by them.
   */
  contextLimits?: Partial<RuleContextLimits>;
}

/** The outcome of evaluating one rule against one context. @public */
export interface RuleResult {
  readonly outcome: 'pass' | 'fail' | 'error' | 'skipped';
  /** Why the rule could not be evaluated, for `error`. */
  readonly message?: string;
}

/**
 * A rule compiled once, ready to be evaluated against any number of contexts.
 * @public
 */
export interface CompiledRule {
  readonly id: string;
  readonly rule: string;
  readonly appliesTo?: string;
  /**
   * The worst-case cost of evaluating it (rule and appliesTo) on any context within its
   * limits, in interpreter steps: at most `maxEvaluationCost` per expression.
   */
  readonly cost: number;
}

interface CompiledExpression {
  /** The expression as cel-js evaluates it: patterns wrapped for RE2. */
  evaluate: ParseResult;
  cost: number;
  /** The context variables it reads. */
  roots: string[];
}

class CompiledRuleImpl implements CompiledRule {
  readonly cost: number;
  /** The context variables the rule and its appliesTo read. */
  readonly roots: string[];

  constructor(
    readonly id: string,
    readonly rule: string,
    readonly appliesTo: string | undefined,
    readonly ruleExpression: CompiledExpression,
    readonly appliesToExpression: CompiledExpression | undefined,
    readonly contextLimits: Readonly<RuleContextLimits>,
  ) {
    this.cost = ruleExpression.cost + (appliesToExpression?.cost ?? 0);
    this.roots = [
      ...new Set([
        ...ruleExpression.roots,
        ...(appliesToExpression?.roots ?? []),
      ]),
    ];
  }
}

/** An evaluation that ended in an error. */
class EvaluationFailure {
  constructor(readonly message: string) {}
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text)
    ? text[0].toLowerCase() + text.slice(1)
    : text;
}

function celTypeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'double';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'object':
      if (Array.isArray(value)) {
        return 'list';
      }
      if (value instanceof Date) {
        return 'timestamp';
      }
      return (value as object).constructor === Object ? 'map' : 'value';
    default:
      return typeof value;
  }
}

/** The ranges of the comprehensions of an expression. */
function comprehensionRanges(node: CelNode, ranges: CelNode[] = []): CelNode[] {
  if (isComprehension(node)) {
    ranges.push(callParts(node).receiver!);
  }
  for (const child of children(node)) {
    comprehensionRanges(child, ranges);
  }
  return ranges;
}

/**
 * The source cel-js evaluates: sub-expressions wrapped in functions of the evaluation
 * environment, found by their range in the source (nested or apart, as nodes are). Each
 * `matches()` pattern literal is wrapped in the function that compiles it for RE2JS, and each
 * comprehension's range in the one that checks the deadline at each element.
 */
function withWrappers(
  source: string,
  wraps: Array<{ node: CelNode; name: string }>,
): string {
  const inserts = wraps.flatMap(({ node: { range }, name }) => [
    { at: range.start, text: `${name}(`, end: range.end },
    { at: range.end, text: ')', end: -1 },
  ]);
  // At one offset, the ranges ending there close before those starting there open, and of
  // those the outer one opens first.
  inserts.sort((a, b) => a.at - b.at || b.end - a.end);
  let out = '';
  let from = 0;
  for (const { at, text } of inserts) {
    out += source.slice(from, at) + text;
    from = at;
  }
  return out + source.slice(from);
}

function compileExpression(
  ruleId: string,
  field: string,
  source: unknown,
  re: RuleEnvironment,
  problems: RuleCompileProblem[],
): CompiledExpression | undefined {
  if (typeof source !== 'string' || source.trim() === '') {
    problems.push({ ruleId, field, message: 'must be a non-empty string' });
    return undefined;
  }
  if (source.length > re.limits.maxRuleLength) {
    problems.push({
      ruleId,
      field,
      message: `is ${source.length} characters long, more than the limit of ${re.limits.maxRuleLength}`,
    });
    return undefined;
  }
  let parsed: ParseResult;
  try {
    parsed = re.env.parse(source);
  } catch (e) {
    problems.push(
      problemAt(ruleId, field, source, celErrorSummary(e), celErrorOffset(e)),
    );
    return undefined;
  }
  const checked = parsed.check();
  if (!checked.valid) {
    problems.push(
      problemAt(
        ruleId,
        field,
        source,
        celErrorSummary(checked.error),
        celErrorOffset(checked.error),
      ),
    );
    return undefined;
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    problems.push(
      problemAt(
        ruleId,
        field,
        source,
        `must be a bool expression, not ${checked.type}`,
        asNode(parsed.ast).pos,
      ),
    );
    return undefined;
  }
  const analysis = analyzeExpression(
    asNode(parsed.ast),
    re.limits,
    re.contextLimits,
  );
  if (analysis.problems.length) {
    for (const p of analysis.problems) {
      problems.push(problemAt(ruleId, field, source, p.message, p.offset));
    }
    return undefined;
  }
  const wraps = [
    ...analysis.patterns.map(node => ({ node, name: PATTERN_FUNCTION })),
    ...comprehensionRanges(asNode(parsed.ast)).map(node => ({
      node,
      name: RANGE_FUNCTION,
    })),
  ];
  let evaluate = parsed;
  if (wraps.length) {
    evaluate = re.evaluationEnv.parse(withWrappers(source, wraps));
    evaluate.check();
  }
  return { evaluate, cost: analysis.cost, roots: [...analysis.roots] };
}

function compileDefinition(
  definition: RuleDefinition,
  re: RuleEnvironment,
  problems: RuleCompileProblem[],
): CompiledRuleImpl | undefined {
  const id =
    typeof definition?.id === 'string' && definition.id
      ? definition.id
      : '(no id)';
  if (id === '(no id)') {
    problems.push({
      ruleId: id,
      field: 'id',
      message: 'must be a non-empty string',
    });
  }
  const count = problems.length;
  const ruleExpression = compileExpression(
    id,
    'rule',
    definition?.rule,
    re,
    problems,
  );
  const appliesToExpression =
    definition?.appliesTo === undefined
      ? undefined
      : compileExpression(id, 'appliesTo', definition.appliesTo, re, problems);
  if (problems.length > count || !ruleExpression) {
    return undefined;
  }
  return new CompiledRuleImpl(
    id,
    definition.rule,
    definition.appliesTo,
    ruleExpression,
    appliesToExpression,
    re.contextLimits,
  );
}

/**
 * Compiles one rule: parses and type-checks its expressions against the rule variables and
 * checks its bounds, its worst-case cost among them. Throws a {@link RuleCompileError} naming the rule, the
 * field and the position of every problem.
 * @public
 */
export function compileRule(
  definition: RuleDefinition,
  options: CompileRuleOptions = {},
): CompiledRule {
  return compileRules([definition], options)[0];
}

/**
 * Compiles rules, reporting the problems of all of them at once in one
 * {@link RuleCompileError}; ids must be unique.
 * @public
 */
export function compileRules(
  definitions: RuleDefinition[],
  options: CompileRuleOptions = {},
): CompiledRule[] {
  const re = getRuleEnvironment(options.limits, options.contextLimits);
  const problems: RuleCompileProblem[] = [];
  const seen = new Set<string>();
  const compiled: CompiledRule[] = [];
  for (const definition of definitions) {
    if (typeof definition?.id === 'string' && seen.has(definition.id)) {
      problems.push({
        ruleId: definition.id,
        field: 'id',
        message: 'is used by another rule',
      });
      continue;
    }
    seen.add(definition?.id);
    const rule = compileDefinition(definition, re, problems);
    if (rule) {
      compiled.push(rule);
    }
  }
  if (problems.length) {
    throw new RuleCompileError(problems);
  }
  return compiled;
}

/**
 * `Error`, read once: expressions are evaluated by the thousand, and where they run in a vm
 * context (jest's sandbox, where `yarn bench` measures them) each global lookup is a call into
 * Node.
 */
const ErrorConstructor = Error;

function evaluateExpression(
  expression: CompiledExpression,
  context: RuleContextImpl,
  deadline: RuleDeadline | undefined,
): unknown {
  // An error is an outcome here, often expected (`no such key`), and its stack is never read:
  // capturing none makes cel-js's errors several times cheaper. Restored before returning.
  const stackTraceLimit = ErrorConstructor.stackTraceLimit;
  ErrorConstructor.stackTraceLimit = 0;
  enterDeadline(deadline);
  let value: unknown;
  try {
    value = expression.evaluate(context.variables);
  } catch (e) {
    value = new EvaluationFailure(lowerFirst(celErrorSummary(e)));
  } finally {
    ErrorConstructor.stackTraceLimit = stackTraceLimit;
  }
  // Stopped, whatever it returned: an `||` may have turned the error into a bool.
  return leaveDeadline() ? new EvaluationFailure(deadline!.message) : value;
}

const PASS: RuleResult = Object.freeze({ outcome: 'pass' });
const FAIL: RuleResult = Object.freeze({ outcome: 'fail' });
const SKIPPED: RuleResult = Object.freeze({ outcome: 'skipped' });

function errorResult(message: string): RuleResult {
  return { outcome: 'error', message };
}

function appliesToResult(applies: unknown): RuleResult | undefined {
  if (applies === true) {
    return undefined;
  }
  if (applies === false) {
    return SKIPPED;
  }
  return errorResult(
    applies instanceof EvaluationFailure
      ? `appliesTo: ${applies.message}`
      : `appliesTo: expected a bool, got ${celTypeName(applies)}`,
  );
}

function ruleResult(result: unknown): RuleResult {
  if (result === true) {
    return PASS;
  }
  if (result === false) {
    return FAIL;
  }
  return errorResult(
    result instanceof EvaluationFailure
      ? result.message
      : `expected a bool, got ${celTypeName(result)}`,
  );
}

/** Whether a context stays within the limits a rule's cost was estimated for. */
function withinLimits(
  context: Readonly<RuleContextLimits>,
  rule: Readonly<RuleContextLimits>,
): boolean {
  if (context === rule) {
    return true;
  }
  return (Object.keys(rule) as Array<keyof RuleContextLimits>).every(
    key => context[key] <= rule[key],
  );
}

/** Options of {@link evaluateRule}, {@link evaluateScorecard} and {@link evaluateGovernance}. @public */
export interface EvaluateRuleOptions {
  /**
   * When the rules must have ended: a rule that starts after it, or is still running then,
   * ends in `error`. Without one, each rule is bounded by its cost alone.
   */
  deadline?: RuleDeadline;
}

/**
 * Evaluates a compiled rule against a context (prepared with {@link createRuleContext}, or the
 * input to prepare it from): `skipped` when its appliesTo is false, `pass` or `fail`, or `error`
 * with a message when the rule (or the context) could not be evaluated, or ran out of the
 * time of `options.deadline`. Never throws for a problem of the rule or the data. Results are
 * read-only and may be shared.
 * @public
 */
export function evaluateRule(
  rule: CompiledRule,
  context: RuleContext | RuleContextInput,
  options: EvaluateRuleOptions = {},
): RuleResult {
  if (!(rule instanceof CompiledRuleImpl)) {
    throw new TypeError('evaluateRule needs a rule from compileRule(s)');
  }
  const { deadline } = options;
  if (deadline?.passedBefore(rule.cost)) {
    return errorResult(deadline.message);
  }
  let ctx: RuleContextImpl;
  if (context instanceof RuleContextImpl) {
    ctx = context;
  } else {
    try {
      ctx = toRuleContext(context);
    } catch (e) {
      if (e instanceof RuleContextError) {
        return errorResult(`invalid context: ${e.message}`);
      }
      throw e;
    }
  }
  // The rule's cost was estimated for contexts within its limits: only such a context may run.
  if (!withinLimits(ctx.limits, rule.contextLimits)) {
    return errorResult(
      'invalid context: its limits are larger than those the rule was compiled for',
    );
  }
  for (const root of rule.roots) {
    const problem = ctx.problem(root);
    if (problem !== undefined) {
      return errorResult(`invalid context: ${problem}`);
    }
  }
  if (rule.appliesToExpression) {
    const skip = appliesToResult(
      evaluateExpression(rule.appliesToExpression, ctx, deadline),
    );
    if (skip) {
      return skip;
    }
  }
  return ruleResult(evaluateExpression(rule.ruleExpression, ctx, deadline));
}
