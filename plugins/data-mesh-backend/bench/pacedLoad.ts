/**
 * GET requests at an even rate, open loop: request i leaves at `start + i / rate` whether or
 * not the earlier ones were answered, and its latency counts from that planned time, so a
 * stalled server cannot hide behind requests that were never sent (no coordinated omission).
 *
 * The requests are sent by a process of their own (this file, forked), run by plain Node: a
 * client sharing its event loop with jest, or with a backend the benchmark started in jest's
 * process, would add its own stalls to the latencies it measures.
 *
 * autocannon's `overallRate`, used before, paces per second: each of its connections sends
 * its share of the second back to back at the start of the second and then waits, so its
 * latencies measured the queue of all connections' requests arriving at once.
 */
import { fork } from 'child_process';

export interface PacedLoadOptions {
  /** One URL per request, sent in this order. */
  urls: string[];
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
}

export interface PacedLoadResult {
  /** Milliseconds from each request's planned time to its whole answer, sorted. */
  latencies: number[];
  /** Requests that failed or were answered with a status other than 2xx. */
  failed: number;
  /** Requests answered per second, over the time from the first planned one to the last answer. */
  achievedRate: number;
}

/** Sends the requests from a child process and resolves with what it measured. */
export function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const child = fork(__filename, {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    // The TypeScript transform sends messages of its own (files to watch): skip them.
    child.on('message', (message: Partial<PacedLoadResult>) => {
      if (message.latencies) resolve(message as PacedLoadResult);
    });
    child.once('exit', code =>
      reject(new Error(`the load generator exited with ${code}`)),
    );
    child.send(options);
  });
}

async function sendPaced(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const interval = 1000 / options.rate;
  const start = performance.now();
  /** One request: its latency from the planned time, and whether it was answered 2xx. */
  const send = async (url: string, planned: number) => {
    let ok = false;
    try {
      const res = await fetch(url, { headers: options.headers });
      await res.arrayBuffer();
      ok = res.ok;
    } catch {
      ok = false;
    }
    return { ms: performance.now() - planned, ok };
  };
  const sent: Array<Promise<{ ms: number; ok: boolean }>> = [];
  for (let i = 0; i < options.urls.length; i++) {
    const planned = start + i * interval;
    const wait = planned - performance.now();
    if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait));
    sent.push(send(options.urls[i], planned));
  }
  const answers = await Promise.all(sent);
  const seconds = (performance.now() - start) / 1000;
  return {
    latencies: answers.map(answer => answer.ms).sort((a, b) => a - b),
    failed: answers.filter(answer => !answer.ok).length,
    achievedRate: options.urls.length / seconds,
  };
}

if (require.main === module) {
  process.once('message', (options: PacedLoadOptions) =>
    sendPaced(options).then(result =>
      process.send!(result, () => process.exit(0)),
    ),
  );
}
