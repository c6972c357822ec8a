import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  DataMeshApiClient,
  DataMeshApiComponents,
  EvaluateRequest,
  EvaluateResponse,
  GovernancePolicy,
  problemsOf,
  RulesResponse,
  ScorecardCheckDefinition,
} from '@datamesh-portal/plugin-data-mesh-common';
import type { Facts } from './check';
import { CheckInputError, errorMessage, problemLines } from './errors';

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

/** The portal's data mesh API, called with the client generated from its OpenAPI spec. */
function portalClient(base: string): DataMeshApiClient {
  const baseUrl = portalUrl(base, '').href.replace(/\/$/, '');
  return new DataMeshApiClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
  });
}

/**
 * Why a call to `url` failed, one line per problem: the portal's answer (each problem of a
 * refused product on its own line), or that it cannot be reached or did not answer JSON.
 */
function describeFailure(
  error: unknown,
  url: URL,
  entityRef: string,
  token: string | undefined,
): string[] {
  if (error instanceof ResponseError) {
    const { status } = error.response;
    let hint = '';
    if (status === 401 || status === 403) {
      hint = token
        ? ' (is DATA_MESH_TOKEN a token the portal accepts for the dry run?)'
        : ' (set DATA_MESH_TOKEN to a token the portal accepts)';
    }
    const answered = `${entityRef}: ${url.href} answered ${status}`;
    const problems = problemsOf(error);
    if (problems) return problemLines(problems, answered);
    const message = errorMessage(error.body.error.message).slice(0, 300);
    return [`${answered}: ${message}${hint}`];
  }
  if (error instanceof SyntaxError) {
    return [
      `${entityRef}: ${url.href} did not answer JSON: ${errorMessage(error)}`,
    ];
  }
  const cause = (error as { cause?: unknown })?.cause;
  return [
    `${url.origin}: cannot reach the portal: ${errorMessage(cause ?? error)}`,
  ];
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
  let verdict: Partial<EvaluateResponse> | undefined;
  try {
    verdict = await portalClient(base).evaluateDraft({ body }, { token });
  } catch (error) {
    throw new CheckInputError(describeFailure(error, url, entityRef, token));
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
  try {
    const rules: Partial<RulesResponse> = await portalClient(base).getRules(
      {},
      { token },
    );
    return {
      checks: Array.isArray(rules.checks) ? rules.checks : [],
      policies: Array.isArray(rules.policies) ? rules.policies : [],
    };
  } catch {
    return undefined;
  }
}

/** The portal's answer about a proposed contract definition. */
export type ContractImpactResponse =
  DataMeshApiComponents['schemas']['ContractImpactResponse'];

/**
 * Who relies on a contract in the portal and what a proposed definition would change for them
 * (`POST /api/data-mesh/contracts/impact`), judged against the contract in the portal's
 * catalog; undefined when the portal has no such contract the token may read (a new contract
 * has no consumers yet). Throws a {@link CheckInputError} when the portal cannot be reached or
 * refuses the definition.
 */
export async function contractImpactThroughPortal(
  base: string,
  token: string | undefined,
  contractRef: string,
  definition: unknown,
): Promise<ContractImpactResponse | undefined> {
  const url = portalUrl(base, 'contracts/impact');
  try {
    return await portalClient(base).contractImpact(
      { body: { contractRef, definition } },
      { token },
    );
  } catch (error) {
    if (error instanceof ResponseError && error.response.status === 404) {
      return undefined;
    }
    throw new CheckInputError(describeFailure(error, url, contractRef, token));
  }
}
