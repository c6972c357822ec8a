import type { components } from './schema/openapi/generated';

/*
 * The wire types of `/api/data-mesh`, generated from its OpenAPI spec
 * (plugins/data-mesh-backend/src/schema/openapi.yaml) and named here for the packages that use
 * them; the spec documents each field.
 */
type Schemas = components['schemas'];

/** Response of `GET /api/data-mesh/health`. @public */
export type DataMeshHealthResponse = Schemas['DataMeshHealthResponse'];

/**
 * The outcome of one rule for one product: `skipped` when its `appliesTo` is false, `error`
 * when it could not be evaluated (the message says why), `waived` under a valid waiver.
 * @public
 */
export type RuleOutcome = Schemas['RuleOutcome'];

/** A scorecard check as configured (`dataMesh.scorecards.checks`). @public */
export type ScorecardCheckDefinition = Schemas['ScorecardCheckDefinition'];

/** The result of one check for one product. @public */
export type ScorecardCheckResult = Schemas['ScorecardCheckResult'];

/** A product's scorecard: weighted score 0-100 and the highest level fully passed. @public */
export type Scorecard = Schemas['Scorecard'];

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name`. @public */
export type ScorecardResponse = Schemas['ScorecardResponse'];

/** One point of a product's score history. @public */
export type ScorecardHistoryPoint = Schemas['ScorecardHistoryPoint'];

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name/history`. @public */
export type ScorecardHistoryResponse = Schemas['ScorecardHistoryResponse'];

/** The latest score, level and compliance of one product, in a batch. @public */
export type ScorecardSummary = Schemas['ScorecardSummary'];

/**
 * Response of `POST /api/data-mesh/scorecards/by-refs` (body `{ entityRefs }`): one item per
 * requested ref, in order; null where the caller may not read the entity or no evaluation is
 * stored yet.
 * @public
 */
export type ScorecardSummariesResponse = Schemas['ScorecardSummariesResponse'];

/**
 * Scorecards of the products of one domain or one owner
 * (`GET /api/data-mesh/rollups/domain/:namespace/:name`, `.../rollups/owner/...`).
 * @public
 */
export type ScorecardRollupResponse = Schemas['ScorecardRollupResponse'];

/** How bad a policy failure is. @public */
export type PolicySeverity = Schemas['PolicySeverity'];

/**
 * Where a policy is in its lifecycle: `draft` is evaluated and shown to governance admins
 * only, `warn` is shown to everyone and never blocks, `enforce` blocks when its severity is
 * `error`, `retired` is not evaluated.
 * @public
 */
export type PolicyEnforcement = Schemas['PolicyEnforcement'];

/** Where a policy comes from: global config, or a domain's own policies. @public */
export type PolicyOrigin = Schemas['PolicyOrigin'];

/**
 * A governance policy as written, globally in `dataMesh.governance.policies` or by a domain in
 * its Domain entity's `spec.policies`.
 * @public
 */
export type GovernancePolicyDefinition = Schemas['GovernancePolicyDefinition'];

/** A policy in force for a product, with its defaults filled in and its origin. @public */
export type GovernancePolicy = Schemas['GovernancePolicy'];

/** The result of one policy for one product. @public */
export type GovernanceResult = Schemas['GovernanceResult'];

/** A product's governance verdict: compliant unless a result is blocking. @public */
export type Governance = Schemas['Governance'];

/** Response of `GET /api/data-mesh/governance/:kind/:namespace/:name`. @public */
export type GovernanceResponse = Schemas['GovernanceResponse'];

/** Response of `GET /api/data-mesh/governance` (the mesh's dashboard). @public */
export type GovernanceSummaryResponse = Schemas['GovernanceSummaryResponse'];

/** Response of `GET /api/data-mesh/rules`. @public */
export type RulesResponse = Schemas['RulesResponse'];

/** Body of `POST /api/data-mesh/evaluate` (dry run). @public */
export type EvaluateRequest = Schemas['EvaluateRequest'];

/** Response of `POST /api/data-mesh/evaluate` (dry run). @public */
export type EvaluateResponse = Schemas['EvaluateResponse'];

/** Body of `POST /api/data-mesh/facts`. @public */
export type PushFactsRequest = Schemas['PushFactsRequest'];

/** Response of `POST /api/data-mesh/facts`. @public */
export type PushFactsResponse = Schemas['PushFactsResponse'];

/**
 * Lifecycle of a waiver: `pending` until a governance admin approves or rejects it; an
 * `approved` waiver applies until `expiresAt`, then it is `expired`; an admin may `revoke` it.
 * @public
 */
export type WaiverStatus = Schemas['WaiverStatus'];

/** An exception for one policy on one product. @public */
export type Waiver = Schemas['Waiver'];

/** One line of a waiver's audit log. @public */
export type WaiverEvent = Schemas['WaiverEvent'];

/** Response of `GET /api/data-mesh/waivers/:id`. @public */
export type WaiverResponse = Schemas['WaiverResponse'];

/** Response of `GET /api/data-mesh/waivers`. @public */
export type WaiverListResponse = Schemas['WaiverListResponse'];

/** Body of `POST /api/data-mesh/waivers`. @public */
export type CreateWaiverRequest = Schemas['CreateWaiverRequest'];

/** Body of `POST /api/data-mesh/waivers/:id/{approve,reject,revoke}`. @public */
export type WaiverDecisionRequest = Schemas['WaiverDecisionRequest'];

/** One data product of the explorer (`GET /api/data-mesh/products`). @public */
export type ProductsQueryItem = Schemas['ProductsQueryItem'];

/**
 * Response of `GET /api/data-mesh/products`: one page of the readable products matching the
 * query.
 * @public
 */
export type ProductsQueryResponse = Schemas['ProductsQueryResponse'];

/** The scorecards of one domain's readable products, in the mesh insight. @public */
export type MeshInsightDomain = Schemas['MeshInsightDomain'];

/**
 * Response of `GET /api/data-mesh/insight`: the health of the mesh over the products the
 * caller may read.
 * @public
 */
export type MeshInsightResponse = Schemas['MeshInsightResponse'];

/**
 * Response of `GET /api/data-mesh/domain-map`: the readable domains and data products, and
 * lineage between the products, for a graph.
 * @public
 */
export type DomainMapResponse = Schemas['DomainMapResponse'];

/** Most entity refs one `POST /scorecards/by-refs` request may ask for. @public */
export const MAX_SCORECARD_REFS = 1000;

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
