import { Entity } from '@backstage/catalog-model';
import {
  EvaluateRequest,
  EvaluateResponse,
  GovernancePolicy,
  RulesResponse,
  ScorecardCheckDefinition,
} from '@datamesh-portal/plugin-data-mesh-common';
import type { Facts } from './check';
import { CheckInputError, errorMessage } from './errors';

/** The data mesh backend's URL for `route`, under the portal's base URL. */
export function portalUrl(base: string, route: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CheckInputError([
      `--url: ${JSON.stringify(
        base,
      )} is not a URL such as https://portal.example.com`,
    ]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckInputError([
      `--url: ${JSON.stringify(base)} is not an http or https URL`,
    ]);
  }
  const prefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return new URL(`${prefix}api/data-mesh/${route}`, url);
}

function headers(token: string | undefined): Record<string, string> {
  return {
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

function describeFetchError(url: URL, error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  return `${url.origin}: cannot reach the portal: ${errorMessage(
    cause ?? error,
  )}`;
}

/** The message of a Backstage error body, or the start of any other body. */
async function describeErrorResponse(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: fall through.
  }
  return text.trim().slice(0, 200) || response.statusText;
}

/**
 * The portal's verdict on a draft product (`POST /api/data-mesh/evaluate`), nothing stored.
 * Throws a {@link CheckInputError} when the portal cannot be reached, refuses the product or
 * answers without a verdict.
 */
export async function evaluateThroughPortal(
  base: string,
  token: string | undefined,
  entity: Entity,
  facts: Facts,
  entityRef: string,
): Promise<EvaluateResponse> {
  const url = portalUrl(base, 'evaluate');
  const body: EvaluateRequest = {
    entity: entity as unknown as Record<string, unknown>,
    ...(Object.keys(facts).length ? { facts } : {}),
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...headers(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new CheckInputError([describeFetchError(url, error)]);
  }
  if (!response.ok) {
    const message = await describeErrorResponse(response);
    let hint = '';
    if (response.status === 401 || response.status === 403) {
      hint = token
        ? ' (is DATA_MESH_TOKEN a token the portal accepts for the dry run?)'
        : ' (set DATA_MESH_TOKEN to a token the portal accepts)';
    }
    throw new CheckInputError([
      `${entityRef}: ${url.href} answered ${response.status}: ${message}${hint}`,
    ]);
  }
  let verdict: Partial<EvaluateResponse> | undefined;
  try {
    verdict = (await response.json()) as Partial<EvaluateResponse>;
  } catch (error) {
    throw new CheckInputError([
      `${entityRef}: ${url.href} did not answer JSON: ${errorMessage(error)}`,
    ]);
  }
  if (
    !verdict?.scorecard ||
    !Array.isArray(verdict.scorecard.checks) ||
    !verdict.governance ||
    !Array.isArray(verdict.governance.results)
  ) {
    throw new CheckInputError([
      `${entityRef}: ${url.href} answered without a scorecard and governance verdict (is the portal's data mesh backend older than this check?)`,
    ]);
  }
  return verdict as EvaluateResponse;
}

/**
 * The rules the portal applies (`GET /api/data-mesh/rules`), for titles and remediation in
 * the report; undefined when the portal does not give them, which only makes the report terser.
 */
export async function fetchPortalRules(
  base: string,
  token: string | undefined,
): Promise<
  | { checks: ScorecardCheckDefinition[]; policies: GovernancePolicy[] }
  | undefined
> {
  const url = portalUrl(base, 'rules');
  try {
    const response = await fetch(url, { headers: headers(token) });
    if (!response.ok) return undefined;
    const rules = (await response.json()) as Partial<RulesResponse>;
    return {
      checks: Array.isArray(rules.checks) ? rules.checks : [],
      policies: Array.isArray(rules.policies) ? rules.policies : [],
    };
  } catch {
    return undefined;
  }
}
