import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

/** A copy of an object without its `undefined` values, so that YAML output stays tidy. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/**
 * The credentials to act with on behalf of the person running the template: the initiator's,
 * or the plugin's own when the task has no user (a task started by a service, say).
 */
export async function initiatorOrOwnCredentials(
  ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
  auth: AuthService,
): Promise<BackstageCredentials> {
  const credentials = await ctx.getInitiatorCredentials();
  if (auth.isPrincipal(credentials, 'none')) {
    return auth.getOwnServiceCredentials();
  }
  return credentials;
}

/** The message of anything thrown, with the cause of a failed `fetch` (ECONNREFUSED...). */
export function errorMessage(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const of = (e: unknown) =>
    e instanceof Error ? e.message || e.name : String(e);
  return cause ? `${of(error)}: ${of(cause)}` : of(error);
}

/**
 * A port or repository name: letters and digits with single `-`, `_` or `.` between them (the
 * DataProduct schema's pattern for port names), so it is also a safe file and directory name.
 */
export const NAME_PATTERN = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;
