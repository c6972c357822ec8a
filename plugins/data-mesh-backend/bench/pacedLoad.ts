/**
 * GET requests at an even rate, open loop: request i leaves at `start + i / rate` whether or
 * not the earlier ones were answered, and its latency counts from that planned time, so a
 * stalled server cannot hide behind requests that were never sent (no coordinated omission).
 *
 * autocannon's `overallRate`, used before, paces per second: each of its connections sends
 * its share of the second back to back at the start of the second and then waits, so its
 * latencies measured the queue of all connections' requests arriving at once.
 */
export async function pacedLoad(options: {
  /** The URL of request i. */
  url: (i: number) => string;
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  seconds: number;
}): Promise<{
  /** Milliseconds from each request's planned time to its whole answer, sorted. */
  latencies: number[];
  /** Requests that failed or were answered with a status other than 2xx. */
  failed: number;
  /** Requests answered per second, over the time from the first planned one to the last answer. */
  achievedRate: number;
}> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now();
  /** One request: its latency from the planned time, and whether it was answered 2xx. */
  const send = async (i: number, planned: number) => {
    let ok = false;
    try {
      const res = await fetch(options.url(i), { headers: options.headers });
      await res.arrayBuffer();
      ok = res.ok;
    } catch {
      ok = false;
    }
    return { ms: performance.now() - planned, ok };
  };
  const sent: Array<Promise<{ ms: number; ok: boolean }>> = [];
  for (let i = 0; i < total; i++) {
    const planned = start + i * interval;
    const wait = planned - performance.now();
    if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait));
    sent.push(send(i, planned));
  }
  const answers = await Promise.all(sent);
  const seconds = (performance.now() - start) / 1000;
  return {
    latencies: answers.map(answer => answer.ms).sort((a, b) => a - b),
    failed: answers.filter(answer => !answer.ok).length,
    achievedRate: total / seconds,
  };
}
