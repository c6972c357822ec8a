/** The message of an error from a driver, without its stack. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB appends the statement with a caret under the failing token: keep the first line.
  return message.split('\n')[0].trim();
}

/**
 * Runs a query that `interrupt` stops on the server, stopping it after `timeoutMs` or when
 * `signal` aborts, and failing with a message that says which.
 */
export async function abortable<T>(
  run: () => Promise<T>,
  interrupt: () => void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) throw new Error('The query was aborted');
  let reason: string | undefined;
  const stop = (why: string) => {
    if (reason) return;
    reason = why;
    interrupt();
  };
  const timer = setTimeout(
    () => stop(`The query timed out after ${timeoutMs} ms`),
    timeoutMs,
  );
  const onAbort = () => stop('The query was aborted');
  signal?.addEventListener('abort', onAbort);
  try {
    return await run();
  } catch (error) {
    throw new Error(reason ?? describeFailure(error));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
