/** The check of a contract test a defect breaks (the contract test engine's metric names). */
export interface BrokenCheck {
  metric:
    | 'required'
    | 'primaryKey'
    | 'invalidValues'
    | 'freshness'
    | 'exists'
    | 'sql'
    | 'rowCount';
  /** The schema object (table). */
  object: string;
  /** The property (column), for checks of one. */
  property?: string;
}

/** A deliberate defect of the example data: what is wrong, where, and which check shows it. */
export type ExampleDataDefect = {
  product: string;
  table: string;
  /** What went wrong upstream, as the product's owners would tell it. */
  story: string;
  breaks: BrokenCheck;
} & (
  | { kind: 'nulls'; column: string; rows: number }
  | { kind: 'duplicateKeys'; rows: number }
  | { kind: 'invalidValues'; column: string; value: string; rows: number }
  | { kind: 'stale'; column: string; ageMs: number }
  | { kind: 'missingColumn'; column: string }
  | { kind: 'offset'; column: string; amount: number; rows: number }
);

const DAY = 24 * 60 * 60 * 1000;

/**
 * The example data's deliberate defects, one failing check each, so that the portal shows a
 * realistic spread of outcomes. Every other product's data satisfies its contract.
 */
export const EXAMPLE_DATA_DEFECTS: ExampleDataDefect[] = [
  {
    product: 'staff-rostering',
    table: 'shifts',
    kind: 'nulls',
    column: 'staff_role',
    rows: 7,
    story: 'Agency shifts booked by phone arrive without a role',
    breaks: { metric: 'required', object: 'shifts', property: 'staff_role' },
  },
  {
    product: 'group-risk-exposure',
    table: 'exposure_daily',
    kind: 'duplicateKeys',
    rows: 5,
    story:
      'A re-run of the exposure job appended rows instead of replacing them',
    breaks: { metric: 'primaryKey', object: 'exposure_daily' },
  },
  {
    product: 'bank-customer-master',
    table: 'customers',
    kind: 'invalidValues',
    column: 'kyc_status',
    value: 'in_review',
    rows: 12,
    story: 'The new KYC tool publishes a status the contract does not list',
    breaks: {
      metric: 'invalidValues',
      object: 'customers',
      property: 'kyc_status',
    },
  },
  {
    product: 'content-recommendation-features',
    table: 'user_content_features',
    kind: 'stale',
    column: 'feature_timestamp',
    ageMs: 3 * DAY,
    story: 'The feature pipeline has been failing for three days',
    breaks: { metric: 'freshness', object: 'user_content_features' },
  },
  {
    product: 'capacity-forecast',
    table: 'capacity_forecast',
    kind: 'missingColumn',
    column: 'predicted_nurses_required',
    story:
      'The new forecast model no longer publishes the nurse staffing forecast',
    breaks: {
      metric: 'exists',
      object: 'capacity_forecast',
      property: 'predicted_nurses_required',
    },
  },
  {
    product: 'group-integrated-customer-analysis',
    table: 'customer_profitability_monthly',
    kind: 'offset',
    column: 'total_contribution_eur',
    amount: 25,
    rows: 4,
    story:
      'Late insurance claims were added to the total but not to their component',
    breaks: { metric: 'sql', object: 'customer_profitability_monthly' },
  },
];

/**
 * Checks the example data cannot pass by design, beside the defects: minimum row counts of
 * production volumes (warnings; the examples hold thousands of rows, not millions) and a
 * reconciliation that reads the general ledger, a table outside the examples (an error: it
 * cannot be measured).
 */
export const EXAMPLE_DATA_LIMITS: Array<{
  product: string;
  outcome: 'fail' | 'error';
  check: BrokenCheck;
  why: string;
}> = [
  ...[
    ['content-engagement', 'engagement_daily'],
    ['content-metadata', 'posts'],
    ['user-profiles', 'user_profiles'],
    ['bank-transactions', 'booked_transactions'],
    ['insurance-customer-master', 'policyholders'],
  ].map(([product, object]) => ({
    product,
    outcome: 'fail' as const,
    check: { metric: 'rowCount' as const, object },
    why: 'a minimum row count of production volume (severity warning)',
  })),
  {
    product: 'bank-transactions',
    outcome: 'error',
    check: { metric: 'sql', object: 'booked_transactions' },
    why: 'the reconciliation reads BANK.LEDGER.DAILY_TOTALS, the general ledger, which is not part of the examples',
  },
];
