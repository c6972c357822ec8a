/**
 * What a check measures: a schema check (`exists`, `type`, `required`, `unique`,
 * `primaryKey`), an ODCS library metric, an ODCS `sql` rule, a service level
 * (`freshness`, `retention`), or an ODCS `text` or `custom` rule (always `skipped`).
 * @public
 */
export type ContractCheckMetric =
  | 'exists'
  | 'type'
  | 'required'
  | 'unique'
  | 'primaryKey'
  | 'rowCount'
  | 'nullValues'
  | 'missingValues'
  | 'invalidValues'
  | 'duplicateValues'
  | 'sql'
  | 'freshness'
  | 'retention'
  | 'text'
  | 'custom';

/**
 * How a check ended: `pass` and `fail` compare a measurement with what the contract expects;
 * `error` means it could not be measured (unknown server, missing table, refused SQL, timeout);
 * `skipped` means the contract states something this engine does not check (`text` and
 * `custom` rules), with the reason in `message`.
 * @public
 */
export type ContractCheckOutcome = 'pass' | 'fail' | 'error' | 'skipped';

/**
 * One check of a contract against its data.
 * @public
 */
export interface ContractCheck {
  /** The schema object (table) checked, by its contract name; `''` for contract-wide checks. */
  object: string;
  /** The property (column) checked, by its contract name, when the check is about one. */
  property?: string;
  metric: ContractCheckMetric;
  outcome: ContractCheckOutcome;
  /** What was measured: a count, a percentage, a type, a duration. */
  measured?: number | string;
  /**
   * For `freshness` and `retention`: the newest (freshness) or oldest (retention) value of the
   * element, as an ISO timestamp; `measured` is its age.
   */
  timestamp?: string;
  /** What the contract expects, e.g. `= 0`, `> 1000000 rows`, `<= 5 %`, `varchar`. */
  expected?: string;
  /** Why it failed, errored or was skipped, in words that name the contract, object and check. */
  message?: string;
  /** The quality rule's or service level's name or description, when it has one. */
  name?: string;
}

/**
 * The result of testing one contract on one server.
 * @public
 */
export interface ContractTestResult {
  /** The contract's id and version. */
  id: string;
  version: string;
  /** The server tested against: the contract's `servers[].server`, `''` when there was none. */
  server: string;
  /** ISO timestamps. */
  startedAt: string;
  finishedAt: string;
  checks: ContractCheck[];
  summary: { passed: number; failed: number; errors: number; skipped: number };
}
