/** Response of `GET /api/data-mesh/health`. @public */
export interface DataMeshHealthResponse {
  status: 'ok';
  /** Whether the plugin's database answered. */
  database: 'ok';
}

/**
 * The outcome of one rule for one product: `skipped` when its `appliesTo` is false, `error`
 * when it could not be evaluated (the message says why), `waived` under a valid waiver.
 * @public
 */
export type RuleOutcome = 'pass' | 'fail' | 'error' | 'skipped' | 'waived';

/** A scorecard check as configured (`dataMesh.scorecards.checks`). @public */
export interface ScorecardCheckDefinition {
  id: string;
  title: string;
  description?: string;
  category?: string;
  /** One of the configured levels; a check without a level only counts towards the score. */
  level?: string;
  /** Weight in the score; default 1. */
  weight?: number;
  /** CEL expression; the check is skipped for products where it is false. */
  appliesTo?: string;
  /** CEL expression that is true when the product passes. */
  rule: string;
  /** How to fix a failure, shown next to it. */
  remediation?: string;
}

/** The result of one check for one product. @public */
export interface ScorecardCheckResult {
  id: string;
  outcome: RuleOutcome;
  message?: string;
}

/** A product's scorecard: weighted score 0-100 and the highest level fully passed. @public */
export interface Scorecard {
  score: number;
  /** Highest level whose checks, and those of every lower level, all pass; null if none. */
  level: string | null;
  checks: ScorecardCheckResult[];
}

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name`. @public */
export interface ScorecardResponse extends Scorecard {
  entityRef: string;
  /** ISO timestamp of the evaluation. */
  evaluatedAt: string;
  /** The checks in force, for titles, categories, levels and remediation. */
  definitions: ScorecardCheckDefinition[];
  levels: string[];
}

/** One point of a product's score history. @public */
export interface ScorecardHistoryPoint {
  evaluatedAt: string;
  score: number;
  level: string | null;
  /** Whether the product was compliant with the governance policies then. */
  compliant: boolean;
}

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name/history`. @public */
export interface ScorecardHistoryResponse {
  entityRef: string;
  items: ScorecardHistoryPoint[];
}

/** How bad a policy failure is. @public */
export type PolicySeverity = 'error' | 'warning';

/**
 * Where a policy is in its lifecycle: `draft` is evaluated and shown to governance admins
 * only, `warn` is shown to everyone and never blocks, `enforce` blocks when its severity is
 * `error`, `retired` is not evaluated.
 * @public
 */
export type PolicyEnforcement = 'draft' | 'warn' | 'enforce' | 'retired';

/**
 * A governance policy as written, globally in `dataMesh.governance.policies` or by a domain in
 * its Domain entity's `spec.policies`.
 * @public
 */
export interface GovernancePolicyDefinition {
  /** Lowercase letters and digits with single hyphens, e.g. `personal-data-restricted`. */
  id: string;
  title?: string;
  description?: string;
  /** Default `error`. */
  severity?: PolicySeverity;
  /** Default `enforce`. */
  enforcement?: PolicyEnforcement;
  /** CEL expression; the policy is skipped for products where it is false. */
  appliesTo?: string;
  /** CEL expression that is true when the product complies. */
  rule: string;
  /** How to comply, shown next to a failure. */
  remediation?: string;
}

/** Where a policy comes from: global config, or a domain's own policies. @public */
export type PolicyOrigin = 'global' | 'domain';

/** A policy in force for a product, with its defaults filled in and its origin. @public */
export interface GovernancePolicy extends GovernancePolicyDefinition {
  title: string;
  severity: PolicySeverity;
  enforcement: PolicyEnforcement;
  origin: PolicyOrigin;
  /** The Domain that defines it, for `origin: domain` (lowercase entity ref). */
  domainRef?: string;
}

/** The result of one policy for one product. @public */
export interface GovernanceResult {
  /** The policy id. */
  id: string;
  severity: PolicySeverity;
  enforcement: PolicyEnforcement;
  origin: PolicyOrigin;
  domainRef?: string;
  outcome: RuleOutcome;
  message?: string;
  /** Whether this result makes the product non-compliant (and stops its creation). */
  blocking: boolean;
  /** The waiver that turned the outcome into `waived`. */
  waiverId?: string;
}

/** A product's governance verdict: compliant unless a result is blocking. @public */
export interface Governance {
  compliant: boolean;
  results: GovernanceResult[];
}

/** Response of `POST /api/data-mesh/evaluate` (dry run). @public */
export interface EvaluateResponse {
  scorecard: Scorecard;
  governance: Governance;
}

/**
 * Lifecycle of a waiver: `pending` until a governance admin approves or rejects it; an
 * `approved` waiver applies until `expiresAt`, then it is `expired`; an admin may `revoke` it.
 * @public
 */
export type WaiverStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'revoked'
  | 'expired';

/** An exception for one policy on one product. @public */
export interface Waiver {
  id: string;
  entityRef: string;
  policyId: string;
  reason: string;
  status: WaiverStatus;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
}

/** One line of a waiver's audit log. @public */
export interface WaiverEvent {
  action: 'requested' | 'approved' | 'rejected' | 'revoked' | 'expired';
  /** User or service entity ref; `system` for expiry. */
  actor: string;
  at: string;
  comment?: string;
}

/** Response of `GET /api/data-mesh/waivers/:id`. @public */
export interface WaiverResponse extends Waiver {
  events: WaiverEvent[];
}

/** Body of `POST /api/data-mesh/waivers`. @public */
export interface CreateWaiverRequest {
  entityRef: string;
  policyId: string;
  reason: string;
  /** ISO timestamp in the future, within the configured maximum duration. */
  expiresAt: string;
}

/** Body of `POST /api/data-mesh/waivers/:id/{approve,reject,revoke}`. @public */
export interface WaiverDecisionRequest {
  comment?: string;
}

/** Response of `GET /api/data-mesh/governance/:kind/:namespace/:name`. @public */
export interface GovernanceResponse extends Governance {
  entityRef: string;
  evaluatedAt: string;
  /** The policies in force for the product (drafts only for governance admins). */
  policies: GovernancePolicy[];
  /** The product's waivers, newest first. */
  waivers: Waiver[];
}

/** Response of `GET /api/data-mesh/governance` (the mesh's dashboard). @public */
export interface GovernanceSummaryResponse {
  /** Evaluated products the caller may read. */
  products: number;
  compliant: number;
  /** Per policy in force anywhere: products it applies to, fails on and is waived for. */
  policies: Array<
    GovernancePolicy & { applicable: number; failing: number; waived: number }
  >;
  /** Per domain (null for products without one). */
  domains: Array<{
    domainRef: string | null;
    products: number;
    compliant: number;
  }>;
  /** Non-compliant products, with the ids of their blocking policies (at most 100). */
  violations: Array<{
    entityRef: string;
    domainRef: string | null;
    ownerRef: string | null;
    policyIds: string[];
  }>;
  /** Waivers waiting for a decision, and approved ones expiring soon. */
  waivers: { pending: Waiver[]; expiring: Waiver[] };
}

/** Response of `GET /api/data-mesh/rules`. @public */
export interface RulesResponse {
  levels: string[];
  checks: Array<ScorecardCheckDefinition & { origin: 'global' }>;
  /**
   * Global policies and the policies of every Domain the caller may read (drafts only for
   * governance admins).
   */
  policies: GovernancePolicy[];
}

/**
 * Scorecards of the products of one domain or one owner
 * (`GET /api/data-mesh/rollups/domain/:namespace/:name`, `.../rollups/owner/...`).
 * @public
 */
export interface ScorecardRollupResponse {
  /** The domain or owner entity ref. */
  entityRef: string;
  groupBy: 'domain' | 'owner';
  /** Products with a scorecard the caller may read. */
  products: number;
  averageScore: number | null;
  /** Number of products at each level; key `none` for products below the first level. */
  levelCounts: Record<string, number>;
  /** The lowest-scoring products, worst first (at most 5). */
  worst: Array<{ entityRef: string; score: number; level: string | null }>;
  /** How many of those products were compliant at their last evaluation. */
  compliant: number;
}

/** Body of `POST /api/data-mesh/facts`. @public */
export interface PushFactsRequest {
  entityRef: string;
  /** Identifier-like source name: rules read the values as `facts.<source>`. */
  source: string;
  facts: Record<string, unknown>;
  /** ISO timestamp of when the values were true; default now. */
  observedAt?: string;
}

/** Body of `POST /api/data-mesh/evaluate` (dry run). @public */
export interface EvaluateRequest {
  entity: Record<string, unknown>;
  /** Facts by source, as rules read them. */
  facts?: Record<string, Record<string, unknown>>;
}

/** One data product of the explorer (`GET /api/data-mesh/products`). @public */
export interface ProductsQueryItem {
  entityRef: string;
  /** metadata.name */
  name: string;
  title: string | null;
  domainRef: string | null;
  ownerRef: string | null;
  /** spec.status */
  status: string | null;
  /** spec.type */
  type: string | null;
  /** spec.classification */
  classification: string | null;
  /** spec.personalData (false when not declared) */
  personalData: boolean | null;
  /** Weighted score of the latest evaluation, 0-100. */
  score: number;
  /** Highest level fully passed; null if none. */
  level: string | null;
  /** Whether the product was compliant at its latest evaluation. */
  compliant: boolean;
  /** ISO timestamp of the latest evaluation. */
  evaluatedAt: string;
}

/**
 * Response of `GET /api/data-mesh/products`: one page of the readable products matching the
 * query (`q`, `domain`, `owner`, `status`, `type`, `classification`, `personalData`, `level`,
 * `compliant`; `sort`, `limit`, `offset`). @public
 */
export interface ProductsQueryResponse {
  items: ProductsQueryItem[];
  /** Number of matching readable products over all pages. */
  totalCount: number;
  limit: number;
  offset: number;
}

/** The latest score, level and compliance of one product, in a batch. @public */
export interface ScorecardSummary {
  entityRef: string;
  score: number;
  level: string | null;
  compliant: boolean;
  /** ISO timestamp of the evaluation. */
  evaluatedAt: string;
}

/** Most entity refs one `POST /scorecards/by-refs` request may ask for. @public */
export const MAX_SCORECARD_REFS = 1000;

/**
 * Response of `POST /api/data-mesh/scorecards/by-refs` (body `{ entityRefs }`): one item per
 * requested ref, in order; null where the caller may not read the entity or no evaluation is
 * stored yet. @public
 */
export interface ScorecardSummariesResponse {
  items: Array<ScorecardSummary | null>;
}

/** The scorecards of one domain's readable products, in the mesh insight. @public */
export interface MeshInsightDomain {
  /** The domain ref; null for products without a domain. */
  domainRef: string | null;
  products: number;
  /** Mean score of the domain's products; null when it has none. */
  averageScore: number | null;
  /** Number of products at each level; key `none` for products below the first level. */
  levelCounts: Record<string, number>;
  /** How many of the products were compliant at their latest evaluation. */
  compliant: number;
}

/**
 * Response of `GET /api/data-mesh/insight`: the health of the mesh over the products the
 * caller may read. @public
 */
export interface MeshInsightResponse {
  /** Readable products with a scorecard. */
  products: number;
  averageScore: number | null;
  compliant: number;
  /** Per domain, sorted by domain ref (products without a domain last). */
  domains: MeshInsightDomain[];
  /**
   * The mesh's average score per day over the last 30 days (oldest first, today last): for
   * each day, the mean of each product's latest recorded score at the end of that day (UTC),
   * over the products that had one by then; null when none had.
   */
  trend: Array<{ date: string; averageScore: number | null; products: number }>;
  /**
   * Products whose latest score is lower than 7 days ago, or that were compliant then and
   * are not now; worst drop first.
   */
  regressions: Array<{
    entityRef: string;
    from: { score: number; level: string | null; compliant: boolean };
    to: { score: number; level: string | null; compliant: boolean };
  }>;
  /** Domains with products, by average score, best first (ties by domain ref). */
  leaderboard: Array<{
    domainRef: string;
    averageScore: number;
    products: number;
    rank: number;
  }>;
}

/**
 * Response of `GET /api/data-mesh/domain-map`: the readable domains and data products, and
 * lineage between the products, for a graph. @public
 */
export interface DomainMapResponse {
  domains: Array<{
    entityRef: string;
    title: string | null;
    /** The parent domain (spec.subdomainOf), when readable; else null. */
    parentRef: string | null;
  }>;
  products: Array<{
    entityRef: string;
    title: string | null;
    domainRef: string | null;
    /** From the latest scorecard; null when the product was not evaluated yet. */
    level: string | null;
    /** From the latest scorecard; null when the product was not evaluated yet. */
    compliant: boolean | null;
  }>;
  /** `from` depends on `to` (catalog `dependsOn`), both readable data products. */
  edges: Array<{ from: string; to: string }>;
}

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
