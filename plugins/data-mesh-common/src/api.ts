import type { components } from './schema/openapi/generated';

/*
 * The wire types of `/api/data-mesh`, generated from its OpenAPI spec
 * (plugins/data-mesh-backend/src/schema/openapi.yaml) and named here for the packages that use
 * them; the spec documents each field.
 */

/** Response of `GET /api/data-mesh/health`. @public */
export type DataMeshHealthResponse =
  components['schemas']['DataMeshHealthResponse'];

/**
 * The outcome of one rule for one product: `skipped` when its `appliesTo` is false, `error`
 * when it could not be evaluated (the message says why), `waived` under a valid waiver.
 * @public
 */
export type RuleOutcome = components['schemas']['RuleOutcome'];

/** A scorecard check as configured (`dataMesh.scorecards.checks`). @public */
export type ScorecardCheckDefinition =
  components['schemas']['ScorecardCheckDefinition'];

/** The result of one check for one product. @public */
export type ScorecardCheckResult =
  components['schemas']['ScorecardCheckResult'];

/** A product's scorecard: weighted score 0-100 and the highest level fully passed. @public */
export type Scorecard = components['schemas']['Scorecard'];

/** Why governance holds a scorecard's level below what its checks earn. @public */
export type ScorecardLevelCap = components['schemas']['ScorecardLevelCap'];

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name`. @public */
export type ScorecardResponse = components['schemas']['ScorecardResponse'];

/** One point of a product's score history. @public */
export type ScorecardHistoryPoint =
  components['schemas']['ScorecardHistoryPoint'];

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name/history`. @public */
export type ScorecardHistoryResponse =
  components['schemas']['ScorecardHistoryResponse'];

/** The latest score, level and compliance of one product, in a batch. @public */
export type ScorecardSummary = components['schemas']['ScorecardSummary'];

/**
 * Response of `POST /api/data-mesh/scorecards/by-refs` (body `{ entityRefs }`): one item per
 * requested ref, in order; null where the caller may not read the entity or no evaluation is
 * stored yet.
 * @public
 */
export type ScorecardSummariesResponse =
  components['schemas']['ScorecardSummariesResponse'];

/**
 * Scorecards of the products of one domain or one owner
 * (`GET /api/data-mesh/rollups/domain/:namespace/:name`, `.../rollups/owner/...`).
 * @public
 */
export type ScorecardRollupResponse =
  components['schemas']['ScorecardRollupResponse'];

/** How bad a policy failure is. @public */
export type PolicySeverity = components['schemas']['PolicySeverity'];

/**
 * Where a policy is in its lifecycle: `draft` is evaluated and shown to governance admins
 * only, `warn` is shown to everyone and never blocks, `enforce` blocks when its severity is
 * `error`, `retired` is not evaluated.
 * @public
 */
export type PolicyEnforcement = components['schemas']['PolicyEnforcement'];

/** Where a policy comes from: global config, or a domain's own policies. @public */
export type PolicyOrigin = components['schemas']['PolicyOrigin'];

/**
 * A governance policy as written, globally in `dataMesh.governance.policies` or by a domain in
 * its Domain entity's `spec.policies`.
 * @public
 */
export type GovernancePolicyDefinition =
  components['schemas']['GovernancePolicyDefinition'];

/** A policy in force for a product, with its defaults filled in and its origin. @public */
export type GovernancePolicy = components['schemas']['GovernancePolicy'];

/** The result of one policy for one product. @public */
export type GovernanceResult = components['schemas']['GovernanceResult'];

/** A product's governance verdict: compliant unless a result is blocking. @public */
export type Governance = components['schemas']['Governance'];

/** Response of `GET /api/data-mesh/governance/:kind/:namespace/:name`. @public */
export type GovernanceResponse = components['schemas']['GovernanceResponse'];

/** Response of `GET /api/data-mesh/governance` (the mesh's dashboard). @public */
export type GovernanceSummaryResponse =
  components['schemas']['GovernanceSummaryResponse'];

/** Response of `GET /api/data-mesh/rules`. @public */
export type RulesResponse = components['schemas']['RulesResponse'];

/** Body of `POST /api/data-mesh/evaluate` (dry run). @public */
export type EvaluateRequest = components['schemas']['EvaluateRequest'];

/** Response of `POST /api/data-mesh/evaluate` (dry run). @public */
export type EvaluateResponse = components['schemas']['EvaluateResponse'];

/** Body of `POST /api/data-mesh/facts`. @public */
export type PushFactsRequest = components['schemas']['PushFactsRequest'];

/** Response of `POST /api/data-mesh/facts`. @public */
export type PushFactsResponse = components['schemas']['PushFactsResponse'];

/**
 * Lifecycle of a waiver: `pending` until a governance admin approves or rejects it; an
 * `approved` waiver applies until `expiresAt`, then it is `expired`; an admin may `revoke` it.
 * @public
 */
export type WaiverStatus = components['schemas']['WaiverStatus'];

/** An exception for one policy on one product. @public */
export type Waiver = components['schemas']['Waiver'];

/** One line of a waiver's audit log. @public */
export type WaiverEvent = components['schemas']['WaiverEvent'];

/** Response of `GET /api/data-mesh/waivers/:id`. @public */
export type WaiverResponse = components['schemas']['WaiverResponse'];

/** Response of `GET /api/data-mesh/waivers`. @public */
export type WaiverListResponse = components['schemas']['WaiverListResponse'];

/** Body of `POST /api/data-mesh/waivers`. @public */
export type CreateWaiverRequest = components['schemas']['CreateWaiverRequest'];

/** Body of `POST /api/data-mesh/waivers/:id/{approve,reject,revoke}`. @public */
export type WaiverDecisionRequest =
  components['schemas']['WaiverDecisionRequest'];

/**
 * Lifecycle of a usage agreement: `requested`, then `approved` (by an owner or automatically)
 * and `active` once granted, or `failed` when granting failed (retried); `rejected`, `revoked`
 * or `expired` at its end.
 * @public
 */
export type AccessRequestState = components['schemas']['AccessRequestState'];

/** How requests for an output port are approved. @public */
export type AccessApproval = components['schemas']['AccessApproval'];

/** A usage agreement of a consumer on one output port. @public */
export type AccessRequest = components['schemas']['AccessRequest'];

/** One transition of a usage agreement. @public */
export type AccessRequestTransition =
  components['schemas']['AccessRequestTransition'];

/** Response of `GET /api/data-mesh/access-requests/:id`. @public */
export type AccessRequestResponse =
  components['schemas']['AccessRequestResponse'];

/** Response of `GET /api/data-mesh/access-requests`. @public */
export type AccessRequestListResponse =
  components['schemas']['AccessRequestListResponse'];

/** Body of `POST /api/data-mesh/access-requests`. @public */
export type CreateAccessRequest = components['schemas']['CreateAccessRequest'];

/** One data product of the explorer (`GET /api/data-mesh/products`). @public */
export type ProductsQueryItem = components['schemas']['ProductsQueryItem'];

/**
 * Response of `GET /api/data-mesh/products`: one page of the readable products matching the
 * query.
 * @public
 */
export type ProductsQueryResponse =
  components['schemas']['ProductsQueryResponse'];

/** The scorecards of one domain's readable products, in the mesh insight. @public */
export type MeshInsightDomain = components['schemas']['MeshInsightDomain'];

/**
 * Response of `GET /api/data-mesh/insight`: the health of the mesh over the products the
 * caller may read.
 * @public
 */
export type MeshInsightResponse = components['schemas']['MeshInsightResponse'];

/**
 * Response of `GET /api/data-mesh/domain-map`: the readable domains and data products, and
 * lineage between the products, for a graph.
 * @public
 */
export type DomainMapResponse = components['schemas']['DomainMapResponse'];

/** Most entity refs one `POST /scorecards/by-refs` request may ask for. @public */
export const MAX_SCORECARD_REFS = 1000;

/** The outcome of one contract check on the data. @public */
export type ContractCheckOutcome =
  components['schemas']['ContractCheckOutcome'];

/** One check of a contract on its server, with what was measured, as the API returns it. @public */
export type ContractCheckResult = components['schemas']['ContractCheck'];

/** Checks passed, failed, could not be made (errors) and skipped. @public */
export type ContractTestSummary = components['schemas']['ContractTestSummary'];

/** One stored contract test run (`GET /api/data-mesh/contract-tests/runs/:runId`). @public */
export type ContractTestRunResponse = components['schemas']['ContractTestRun'];

/** The counts of one earlier run of a contract, for a trend. @public */
export type ContractTestHistoryPoint =
  components['schemas']['ContractTestHistoryPoint'];

/**
 * Response of `GET /api/data-mesh/contract-tests/:kind/:namespace/:name` and of
 * `POST .../runs`: the latest run of each contract of the product and a short history.
 * @public
 */
export type ContractTestsResponse =
  components['schemas']['ContractTestsResponse'];

/**
 * A data product in the portal's search (document type `data-product`), as the search module's
 * collator indexes it: what the search result shows next to the title. @public
 */
export interface DataProductSearchDocument {
  title: string;
  /** The description and purpose, shown under the title. */
  text: string;
  /** What else the product is found by: name, tags, port and contract column names. */
  searchTerms: string[];
  location: string;
  entityRef: string;
  domainRef: string | null;
  ownerRef: string | null;
  status: string | null;
  type: string | null;
  classification: string | null;
  personalData: boolean;
  tags: string[];
  /** Latest evaluation; null before the first one. */
  score: number | null;
  level: string | null;
  compliant: boolean | null;
  /** The product's ref, so that the search backend shows it only to its catalog readers. */
  authorization?: { resourceRef: string };
}

/** The search document type of data products. @public */
export const DATA_PRODUCT_SEARCH_TYPE = 'data-product';
