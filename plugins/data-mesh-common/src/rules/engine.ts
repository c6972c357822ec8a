import type { ParseResult } from '@marcbachmann/cel-js';
import { asNode } from './ast';
import {
  Bail,
  BUDGET,
  Fn,
  UnsupportedNodeError,
  compileNative,
} from './compiler';
import {
  RuleContext,
  RuleContextError,
  RuleContextImpl,
  RuleContextInput,
  toRuleContext,
} from './context';
import { RuleEnvironment, getRuleEnvironment } from './environment';
import {
  RuleCompileError,
  RuleCompileProblem,
  celErrorOffset,
  celErrorSummary,
  problemAt,
} from './errors';
import { RuleLimits } from './limits';
import { checkStructure } from './structure';

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
   * Whether the rule (and its appliesTo) compiled to JavaScript closures; when false it runs in
   * the cel-js interpreter.
   */
  readonly compiledToClosures: boolean;
}

interface CompiledExpression {
  source: string;
  parsed: ParseResult;
  native?: Fn;
  budget: number;
}

class CompiledRuleImpl implements CompiledRule {
  readonly compiledToClosures: boolean;
  /** Evaluates the rule against a prepared context. */
  readonly run: (context: RuleContextImpl) => RuleResult;

  constructor(
    readonly id: string,
    readonly rule: string,
    readonly appliesTo: string | undefined,
    readonly ruleExpression: CompiledExpression,
    readonly appliesToExpression: CompiledExpression | undefined,
  ) {
    this.compiledToClosures =
      !!ruleExpression.native &&
      (!appliesToExpression || !!appliesToExpression.native);
    this.run = this.compiledToClosures
      ? fastRun(ruleExpression, appliesToExpression)
      : context => slowRun(ruleExpression, appliesToExpression, context);
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

function compileExpression(
  ruleId: string,
  field: string,
  source: unknown,
  re: RuleEnvironment,
  problems: RuleCompileProblem[],
  anyType = false,
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
  if (!anyType && checked.type !== 'bool' && checked.type !== 'dyn') {
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
  const structural = checkStructure(
    asNode(parsed.ast),
    re.limits.maxComprehensionNesting,
  );
  if (structural.length) {
    for (const p of structural) {
      problems.push(problemAt(ruleId, field, source, p.message, p.offset));
    }
    return undefined;
  }
  let native: Fn | undefined;
  try {
    native = compileNative(asNode(parsed.ast), re).fn;
  } catch (e) {
    if (!(e instanceof UnsupportedNodeError)) {
      throw e;
    }
  }
  return { source, parsed, native, budget: re.limits.maxEvaluationCost };
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
  );
}

/**
 * Compiles one rule: parses and type-checks its expressions against the rule variables, checks
 * its bounds and compiles it to closures. Throws a {@link RuleCompileError} naming the rule, the
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
  const re = getRuleEnvironment(options.limits);
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

/** The result of an expression whose closures threw `thrown`. */
function afterThrow(
  expression: CompiledExpression,
  context: RuleContextImpl,
  thrown: unknown,
): unknown {
  if (thrown === BUDGET) {
    return new EvaluationFailure(
      `evaluation exceeded its budget of ${expression.budget} steps`,
    );
  }
  if (thrown instanceof Bail && thrown.message !== undefined) {
    // The very error cel-js reports.
    return new EvaluationFailure(lowerFirst(thrown.message));
  }
  // Anything else: the interpreter decides.
  return interpret(expression, context);
}

function interpret(
  expression: CompiledExpression,
  context: RuleContextImpl,
): unknown {
  try {
    return expression.parsed(context.variables);
  } catch (e) {
    return new EvaluationFailure(lowerFirst(celErrorSummary(e)));
  }
}

function evaluateExpression(
  expression: CompiledExpression,
  context: RuleContextImpl,
): unknown {
  const native = expression.native;
  if (native === undefined) {
    return interpret(expression, context);
  }
  context.cost = 0;
  context.budget = expression.budget;
  try {
    return native(context);
  } catch (e) {
    return afterThrow(expression, context, e);
  }
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

function slowRun(
  ruleExpression: CompiledExpression,
  appliesToExpression: CompiledExpression | undefined,
  context: RuleContextImpl,
): RuleResult {
  if (appliesToExpression) {
    const skip = appliesToResult(
      evaluateExpression(appliesToExpression, context),
    );
    if (skip) {
      return skip;
    }
  }
  return ruleResult(evaluateExpression(ruleExpression, context));
}

/** The evaluation of a rule whose expressions all compiled to closures. */
function fastRun(
  ruleExpression: CompiledExpression,
  appliesToExpression: CompiledExpression | undefined,
): (context: RuleContextImpl) => RuleResult {
  const rule = ruleExpression.native!;
  const budget = ruleExpression.budget;
  if (!appliesToExpression) {
    return state => {
      state.cost = 0;
      state.budget = budget;
      let result: unknown;
      try {
        result = rule(state);
      } catch (e) {
        return ruleResult(afterThrow(ruleExpression, state, e));
      }
      if (result === true) {
        return PASS;
      }
      return result === false ? FAIL : ruleResult(result);
    };
  }
  const applies = appliesToExpression.native!;
  return state => {
    state.cost = 0;
    state.budget = budget;
    let result: unknown;
    try {
      result = applies(state);
    } catch (e) {
      const skip = appliesToResult(afterThrow(appliesToExpression, state, e));
      return skip ?? ruleResult(evaluateExpression(ruleExpression, state));
    }
    if (result !== true) {
      return result === false ? SKIPPED : appliesToResult(result)!;
    }
    state.cost = 0;
    try {
      result = rule(state);
    } catch (e) {
      return ruleResult(afterThrow(ruleExpression, state, e));
    }
    if (result === true) {
      return PASS;
    }
    return result === false ? FAIL : ruleResult(result);
  };
}

/**
 * Evaluates a compiled rule against a context (prepared with {@link createRuleContext}, or the
 * input to prepare it from): `skipped` when its appliesTo is false, `pass` or `fail`, or `error`
 * with a message when the rule (or the context) could not be evaluated. Never throws for a
 * problem of the rule or the data. Results are read-only and may be shared.
 * @public
 */
export function evaluateRule(
  rule: CompiledRule,
  context: RuleContext | RuleContextInput,
): RuleResult {
  if (!(rule instanceof CompiledRuleImpl)) {
    throw new TypeError('evaluateRule needs a rule from compileRule(s)');
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
  return rule.run(ctx);
}

/**
 * Evaluates one expression of a compiled rule to its value, through the closures when it has
 * them: for tests comparing them with the cel-js interpreter.
 * @internal
 */
export function evaluateRuleExpressionForTest(
  rule: CompiledRule,
  context: RuleContext,
  options: { interpreter?: boolean } = {},
): { value?: unknown; error?: string; native: boolean } {
  const impl = rule as CompiledRuleImpl;
  const ctx = context as RuleContextImpl;
  const expression = impl.ruleExpression;
  if (expression.native && !options.interpreter) {
    ctx.cost = 0;
    ctx.budget = expression.budget;
    try {
      return { value: expression.native(ctx), native: true };
    } catch (e) {
      if (e === BUDGET) {
        return { error: 'budget', native: true };
      }
      if (e instanceof Bail && e.message !== undefined) {
        return { error: lowerFirst(e.message), native: true };
      }
    }
  }
  try {
    return { value: expression.parsed(ctx.variables), native: false };
  } catch (e) {
    return { error: lowerFirst(celErrorSummary(e)), native: false };
  }
}

/**
 * Compiles an expression of any result type as the `rule` of a rule: for tests comparing the
 * closures with the cel-js interpreter on values other than bools.
 * @internal
 */
export function compileExpressionForTest(
  source: string,
  options: CompileRuleOptions = {},
): CompiledRule {
  const problems: RuleCompileProblem[] = [];
  const expression = compileExpression(
    'test',
    'rule',
    source,
    getRuleEnvironment(options.limits),
    problems,
    true,
  );
  if (!expression) {
    throw new RuleCompileError(problems);
  }
  return new CompiledRuleImpl('test', source, undefined, expression, undefined);
}
