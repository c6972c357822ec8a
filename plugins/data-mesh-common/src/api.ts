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
}

/** Response of `GET /api/data-mesh/scorecards/:kind/:namespace/:name/history`. @public */
export interface ScorecardHistoryResponse {
  entityRef: string;
  items: ScorecardHistoryPoint[];
}

/** Response of `GET /api/data-mesh/rules`. @public */
export interface RulesResponse {
  levels: string[];
  checks: Array<ScorecardCheckDefinition & { origin: 'global' }>;
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
