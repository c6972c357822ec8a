import { InputError } from '@backstage/errors';

/**
 * One problem with an input: the field it is in (a dotted path with indices, such as
 * `spec.outputPorts[0].contract`; empty for the input as a whole) and what is wrong with it.
 * @public
 */
export type Problem = { field: string; message: string };

/** The most problems reported for one input; the rest are counted in a last problem. @public */
export const MAX_PROBLEMS = 50;

const MAX_FIELD_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 1000;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A problem list fit to show and send: at most {@link MAX_PROBLEMS} problems (the last one
 * counting those left out, `uncounted` more included), each field and message cut to a
 * bounded length. Applying it twice changes nothing.
 * @public
 */
export function boundProblems(problems: Problem[], uncounted = 0): Problem[] {
  const total = problems.length + uncounted;
  const shown = Math.min(
    problems.length,
    total > MAX_PROBLEMS ? MAX_PROBLEMS - 1 : MAX_PROBLEMS,
  );
  const bounded = problems.slice(0, shown).map(problem => ({
    field: cut(String(problem.field), MAX_FIELD_LENGTH),
    message: cut(String(problem.message), MAX_MESSAGE_LENGTH),
  }));
  if (shown < total) {
    bounded.push({ field: '', message: `and ${total - shown} more problems` });
  }
  return bounded;
}

/** A problem on one line: `spec.status: must be one of ...`, or the message alone. @public */
export function formatProblem(problem: Problem): string {
  return problem.field
    ? `${problem.field}: ${problem.message}`
    : problem.message;
}

/**
 * Problems on one line, joined by `; `: for a summary message (the list itself travels as
 * `problems`, so nothing needs to split this back).
 * @public
 */
export function formatProblems(problems: Problem[]): string {
  return problems.map(formatProblem).join('; ');
}

/**
 * An `InputError` carrying its problems as an own enumerable `problems` property, so that
 * `serializeError` (and so the backend's error handler) puts them in the error body as
 * `error.problems`. The list is bounded by {@link boundProblems}.
 * @public
 */
export function inputErrorWithProblems(
  message: string,
  problems: Problem[],
): InputError & { problems: Problem[] } {
  return Object.assign(new InputError(message), {
    problems: boundProblems(problems),
  });
}

function isProblemList(value: unknown): value is Problem[] {
  return (
    Array.isArray(value) &&
    value.every(
      p =>
        typeof p === 'object' &&
        p !== null &&
        typeof p.field === 'string' &&
        typeof p.message === 'string',
    )
  );
}

/**
 * The problems an error carries: its own `problems` (from {@link inputErrorWithProblems}), or
 * those of the error body of a failed request (`body.error.problems`, as a `ResponseError` of
 * `@backstage/errors` holds it, or such a body itself). Undefined when there are none.
 * @public
 */
export function problemsOf(error: unknown): Problem[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidates = [
    (error as { problems?: unknown }).problems,
    (error as { body?: { error?: { problems?: unknown } } }).body?.error
      ?.problems,
    (error as { error?: { problems?: unknown } }).error?.problems,
  ];
  const found = candidates.find(isProblemList);
  return found && found.length > 0 ? boundProblems(found) : undefined;
}
