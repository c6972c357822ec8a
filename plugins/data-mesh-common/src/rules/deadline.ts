import { EvaluationError } from '@marcbachmann/cel-js';

/** Milliseconds of a monotonic clock: wall-clock time that never jumps. */
const monotonicNow = () => performance.now();

/**
 * Work between two readings of the clock, in estimated steps of the interpreter: reading it
 * can cost as much as a small rule (a few hundred ns on some virtual machines), and the
 * estimates are worst cases (a rule reading a product's description is charged for one as
 * long as the limits allow), so the default checks alone are several hundred thousand steps.
 * At most a few milliseconds of work.
 */
const STEPS_PER_READING = 100_000;

/**
 * What one element of a comprehension's range counts for: the clock is read every 16
 * elements. Between two readings a rule runs at most 16 bodies of a comprehension, or 256 of
 * one nested in another (each bounded by the rule's cost).
 */
const STEPS_PER_ELEMENT = STEPS_PER_READING / 16;

/**
 * A wall-clock limit on evaluating rules together, such as all the checks and policies of one
 * product: each rule is bounded in steps when it is compiled, and the deadline bounds how long
 * all of them may run in all. A rule that starts after it has passed ends in `error` without
 * running; a rule running when it passes is stopped within a few elements of a comprehension,
 * and ends in `error` too. Rules that ended before it keep their outcomes.
 * @public
 */
export class RuleDeadline {
  private readonly endsAt: number;
  private expired = false;
  private sinceReading = 0;

  /**
   * @param timeLimitMs - how long the rules may run from now, in milliseconds
   * @param clock - milliseconds of a monotonic clock; tests pass one they move
   */
  constructor(
    readonly timeLimitMs: number,
    private readonly clock: () => number = monotonicNow,
  ) {
    this.endsAt = clock() + timeLimitMs;
  }

  /** Whether the time is up, by the clock. */
  get passed(): boolean {
    this.sinceReading = 0;
    this.expired ||= this.clock() >= this.endsAt;
    return this.expired;
  }

  /**
   * Whether the time is up, before work of an estimated cost in steps (a rule's `cost`): the
   * clock is read once the work since the last reading may cost 100,000 steps.
   */
  passedBefore(steps: number): boolean {
    this.sinceReading += steps;
    return this.sinceReading >= STEPS_PER_READING ? this.passed : this.expired;
  }

  /** The message of the rules it stops. */
  get message(): string {
    return `timed out: the rules of one evaluation may run for ${this.timeLimitMs} ms in all`;
  }
}

/**
 * The deadline of the expression being evaluated, and whether it stopped it. Evaluation is
 * synchronous and never nested, so one slot serves every rule.
 */
const running: { deadline?: RuleDeadline; stopped: boolean } = {
  stopped: false,
};

/** Sets the deadline of the evaluation about to run (none: it runs unchecked). */
export function enterDeadline(deadline: RuleDeadline | undefined): void {
  running.deadline = deadline;
  running.stopped = false;
}

/**
 * Ends the evaluation that ran under {@link enterDeadline}: whether the deadline stopped it,
 * in which case its value (an error, or a bool an `||` made of one) is not the rule's outcome.
 */
export function leaveDeadline(): boolean {
  const stopped = running.stopped;
  running.deadline = undefined;
  running.stopped = false;
  return stopped;
}

/** Stops the evaluation running if the time is up before work of `steps`. */
function checkBefore(deadline: RuleDeadline, steps: number): void {
  if (deadline.passedBefore(steps)) {
    running.stopped = true;
    throw new EvaluationError(deadline.message);
  }
}

const CHECKED_RANGE: ProxyHandler<unknown[]> = {
  get(items, key) {
    // cel-js reads `length` once per comprehension, then each element by index.
    if (key !== 'length' && running.deadline) {
      checkBefore(running.deadline, STEPS_PER_ELEMENT);
    }
    return Reflect.get(items, key);
  },
};

/**
 * The range of a comprehension as the engine evaluates it, under a deadline: the start of a
 * comprehension counts as an element, and a range of more than 16 elements (a list, or the
 * keys of a map: what cel-js iterates) is read through a proxy that counts each one. Anything
 * else is returned as is, for cel-js to iterate or refuse as it would. Rules are evaluated with
 * the range of every comprehension wrapped in it.
 */
export function checkedRange(value: unknown): unknown {
  const deadline = running.deadline;
  if (!deadline || value === null || typeof value !== 'object') {
    return value;
  }
  checkBefore(deadline, STEPS_PER_ELEMENT);
  let size: number;
  if (Array.isArray(value)) {
    size = value.length;
  } else {
    size = value instanceof Map ? value.size : Object.keys(value).length;
  }
  if (size <= STEPS_PER_READING / STEPS_PER_ELEMENT) {
    return value;
  }
  if (Array.isArray(value)) {
    return new Proxy(value, CHECKED_RANGE);
  }
  return new Proxy(
    value instanceof Map ? [...value.keys()] : Object.keys(value),
    CHECKED_RANGE,
  );
}
