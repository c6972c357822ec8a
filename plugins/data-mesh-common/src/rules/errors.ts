/** One problem of one rule, found when compiling it. @public */
export interface RuleCompileProblem {
  /** The rule's id. */
  ruleId: string;
  /** The field holding the expression: `rule` or `appliesTo` (or `id`, `level`, `weight`). */
  field: string;
  /** What is wrong, without the position. */
  message: string;
  /** Offset of the problem in the expression (0-based), when known. */
  offset?: number;
  /** Line of the problem (1-based), when known. */
  line?: number;
  /** Column of the problem (1-based), when known. */
  column?: number;
}

/** Formats a problem: `Rule has-purpose: rule: Unexpected token: EOF at line 1, column 28`. */
export function formatRuleCompileProblem(problem: RuleCompileProblem): string {
  const where =
    problem.line !== undefined
      ? ` at line ${problem.line}, column ${problem.column}`
      : '';
  return `Rule ${problem.ruleId}: ${problem.field}: ${problem.message}${where}`;
}

/**
 * Thrown when one or more rules cannot be compiled. The message lists every problem, each with
 * the rule id, the field and the position, e.g.
 * `Rule has-purpose: rule: Unexpected token: EOF at line 1, column 28`.
 * @public
 */
export class RuleCompileError extends Error {
  readonly problems: RuleCompileProblem[];

  constructor(problems: RuleCompileProblem[]) {
    super(problems.map(formatRuleCompileProblem).join('\n'));
    this.name = 'RuleCompileError';
    this.problems = problems;
  }
}

/** Line and column (1-based) of an offset in a text. */
export function lineAndColumn(
  text: string,
  offset: number,
): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column };
}

/** A problem at an offset of an expression. */
export function problemAt(
  ruleId: string,
  field: string,
  source: string,
  message: string,
  offset: number | undefined,
): RuleCompileProblem {
  if (offset === undefined) {
    return { ruleId, field, message };
  }
  return { ruleId, field, message, offset, ...lineAndColumn(source, offset) };
}

/** The short text of a cel-js error (its `summary`), or of any other error. */
export function celErrorSummary(error: unknown): string {
  if (error && typeof error === 'object') {
    const summary = (error as { summary?: unknown }).summary;
    if (typeof summary === 'string') {
      return summary;
    }
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') {
      return message;
    }
  }
  return String(error);
}

/** The offset a cel-js error points at, when it has one. */
export function celErrorOffset(error: unknown): number | undefined {
  if (error && typeof error === 'object') {
    const range = (error as { range?: { start?: unknown } }).range;
    if (range && typeof range.start === 'number') {
      return range.start;
    }
    const node = (error as { node?: { pos?: unknown } }).node;
    if (node && typeof node.pos === 'number') {
      return node.pos;
    }
  }
  return undefined;
}
