import { EventLoopUtilization } from 'perf_hooks';
import { EventLoopPacer } from './eventLoopPacer';

/** A clock of event loop time: each step adds busy and idle milliseconds. */
function fakeLoop() {
  let total = { idle: 0, active: 0, utilization: 0 };
  const utilization = (
    current?: EventLoopUtilization,
    previous?: EventLoopUtilization,
  ): EventLoopUtilization => {
    if (!current) return { ...total };
    const idle = current.idle - (previous?.idle ?? 0);
    const active = current.active - (previous?.active ?? 0);
    return { idle, active, utilization: active / (idle + active) };
  };
  const run = (active: number, idle: number) => {
    total = {
      idle: total.idle + idle,
      active: total.active + active,
      utilization: 0,
    };
  };
  return { utilization, run };
}

describe('EventLoopPacer', () => {
  it('pauses background work as long as brings the loop back to its share', async () => {
    const loop = fakeLoop();
    const pauses: number[] = [];
    const pacer = new EventLoopPacer({
      maxUtilization: 0.5,
      utilization: loop.utilization,
      sleep: async ms => pauses.push(ms),
    });
    // 90 ms busy of 100: 90 / (100 + pause) = 0.5 needs 80 ms.
    loop.run(90, 10);
    await pacer.pace();
    // 30 ms busy of 100: below the share, no pause.
    loop.run(30, 70);
    await pacer.pace();
    // Fully busy for 2 s: the pause is capped at a second.
    loop.run(2000, 0);
    await pacer.pace();
    expect(pauses).toEqual([80, 1000]);
  });

  it('holds every step running side by side while one pause lasts', async () => {
    const loop = fakeLoop();
    let endPause = () => {};
    const pauses: number[] = [];
    const pacer = new EventLoopPacer({
      maxUtilization: 0.5,
      utilization: loop.utilization,
      sleep: ms => {
        pauses.push(ms);
        return new Promise<void>(resolve => {
          endPause = resolve;
        });
      },
    });
    loop.run(90, 10);
    const started: string[] = [];
    const first = pacer.pace().then(() => started.push('first'));
    const second = pacer.pace().then(() => started.push('second'));
    await new Promise(resolve => setImmediate(resolve));
    // The second step waits for the first one's pause, and measures the loop after it.
    expect(started).toEqual([]);
    loop.run(40, 40);
    endPause();
    await Promise.all([first, second]);
    expect(started).toEqual(['first', 'second']);
    expect(pauses).toEqual([80]);
  });

  it('never pauses on a quiet loop', async () => {
    const pauses: number[] = [];
    const wait = (ms: number) =>
      new Promise(resolve => setTimeout(resolve, ms));
    // After the work of loading the test has settled.
    await wait(200);
    const pacer = new EventLoopPacer({
      maxUtilization: 0.5,
      sleep: async ms => pauses.push(ms),
    });
    for (let i = 0; i < 5; i++) {
      await wait(50);
      await pacer.pace();
    }
    expect(pauses).toEqual([]);
  });
});
