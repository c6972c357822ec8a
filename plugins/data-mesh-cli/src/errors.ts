import {
  formatProblem,
  Problem,
  problemsOf,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * Bad input to the check: an unreadable file, a YAML error, an invalid descriptor, a bad rule
 * in config, an unusable option. Each problem is one line naming where it is, e.g.
 * `catalog-info.yaml: line 4: DataProduct orders: spec.status: must be one of proposed, ...`.
 * The command prints the problems and exits with 2.
 * @public
 */
export class CheckInputError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CheckInputError';
    this.problems = problems;
  }
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String(error ?? 'unknown error');
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * One line per problem, each after `where` when given: `DataProduct orders: spec.status: must
 * be one of proposed, draft, ...`. A problem of the input as a whole has no field.
 */
export function problemLines(problems: Problem[], where?: string): string[] {
  return problems.map(problem => {
    const line = formatProblem(problem).replace(/\s*\n\s*/g, ' ');
    return where ? `${where}: ${line}` : line;
  });
}

/**
 * The lines of a thrown error: one per problem it carries (an `InputError` of the data mesh
 * validators, or a failed request whose error body has `error.problems`), else its message.
 */
export function errorLines(error: unknown, where?: string): string[] {
  const problems = problemsOf(error);
  if (problems) return problemLines(problems, where);
  return [where ? `${where}: ${errorMessage(error)}` : errorMessage(error)];
}
