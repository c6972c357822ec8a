import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, for people: the backend's own message for a `ResponseError` (whose message
 * is only "Request failed with 409 Conflict"), the error's message otherwise.
 */
export function errorMessage(error: Error): string {
  return (
    (error instanceof ResponseError && error.body.error.message) ||
    error.message
  );
}
