import { performance, EventLoopUtilization } from 'perf_hooks';
import { setTimeout as sleep } from 'timers/promises';

/** The longest pause between two steps of background work, in milliseconds. */
const MAX_PAUSE_MS = 1000;

/**
 * Paces background work (the scheduled contract-test run) so that it leaves the requests the
 * backend serves the share of its event loop they need: before each step, when the loop was
 * busier than `maxUtilization` since the previous step (the work and the requests together, by
 * Node's own event loop utilization), it pauses for as long as brings that share back down to
 * the target: a busy time B over T needs a pause of T * (B / T / max - 1). On a quiet backend
 * it never pauses.
 */
export class EventLoopPacer {
  private last: EventLoopUtilization;

  constructor(
    private readonly options: {
      maxUtilization: number;
      utilization?: typeof performance.eventLoopUtilization;
      sleep?: (ms: number) => Promise<unknown>;
    },
  ) {
    this.last = this.utilization();
  }

  private utilization(
    current?: EventLoopUtilization,
    previous?: EventLoopUtilization,
  ): EventLoopUtilization {
    const measure =
      this.options.utilization ??
      performance.eventLoopUtilization.bind(performance);
    return measure(current, previous);
  }

  /** A pause in progress: every step waits for it, not only the one that called for it. */
  private pausing: Promise<unknown> = Promise.resolve();

  /**
   * Waits, if the loop has been too busy since the last call, before the next step. Steps
   * running side by side share the pacer: while one waits out a pause, the others do not
   * start theirs, or each would work through the others' pauses.
   */
  async pace(): Promise<void> {
    let pausing;
    do {
      pausing = this.pausing;
      await pausing;
    } while (pausing !== this.pausing);
    const now = this.utilization();
    const since = this.utilization(now, this.last);
    this.last = now;
    const elapsed = since.idle + since.active;
    const pause = Math.min(
      MAX_PAUSE_MS,
      elapsed * (since.utilization / this.options.maxUtilization - 1),
    );
    if (pause > 1) {
      this.pausing = (this.options.sleep ?? sleep)(pause);
      await this.pausing;
    }
  }
}
