/**
 * What went wrong, for people: the backend's own message for a `ResponseError` (whose message
 * is only "Request failed with 409 Conflict"), the error's message otherwise.
 */
export function errorMessage(error: Error): string {
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string' && message ? message : error.message;
}
