import { TableColumn } from '@backstage/core-components';
import {
  ContractCheckOutcome,
  ContractCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { DenseTable, formatValue, Tone, ToneChip } from '../shared';

const OUTCOMES: Record<ContractCheckOutcome, { label: string; tone: Tone }> = {
  fail: { label: 'Failed', tone: 'error' },
  error: { label: 'Error', tone: 'warning' },
  pass: { label: 'Passed', tone: 'success' },
  skipped: { label: 'Skipped', tone: 'neutral' },
};

/** Failures first, then checks that could not be made, then the rest. */
const OUTCOME_ORDER: Record<string, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  skipped: 3,
};

/** The outcome of a contract check as a coloured chip; an unknown outcome is an error. */
export function ContractCheckOutcomeChip(props: { outcome: string }) {
  const outcome =
    OUTCOMES[props.outcome as ContractCheckOutcome] ?? OUTCOMES.error;
  return (
    <ToneChip
      tone={outcome.tone}
      label={outcome.label}
      variant={props.outcome === 'skipped' ? 'outlined' : 'default'}
      data-outcome={props.outcome}
    />
  );
}

type Row = ContractCheckResult & { key: string };

function Value(props: { value: unknown }) {
  const text = formatValue(props.value);
  return text === undefined ? null : (
    <Typography
      variant="body2"
      component="code"
      style={{ wordBreak: 'break-word' }}
    >
      {text}
    </Typography>
  );
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Outcome',
    field: 'outcome',
    width: '1%',
    customSort: (a, b) =>
      (OUTCOME_ORDER[a.outcome] ?? 1) - (OUTCOME_ORDER[b.outcome] ?? 1),
    render: row => <ContractCheckOutcomeChip outcome={row.outcome} />,
  },
  { title: 'Object', field: 'object' },
  { title: 'Property', field: 'property' },
  {
    title: 'Check',
    field: 'metric',
    render: row => (
      <>
        <Typography variant="body2">{row.metric}</Typography>
        {row.name && (
          <Typography variant="caption" color="textSecondary">
            {row.name}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Measured',
    field: 'measured',
    sorting: false,
    render: row => <Value value={row.measured} />,
  },
  {
    title: 'Expected',
    field: 'expected',
    sorting: false,
    render: row => <Value value={row.expected} />,
  },
  { title: 'Message', field: 'message', sorting: false },
];

/**
 * The checks of one contract test run: outcome, object and property, check, what was measured
 * and what the contract expects, and why it failed. Failures come first; within an outcome the
 * checks keep the contract's order.
 */
export function ContractCheckTable(props: {
  label: string;
  checks: ContractCheckResult[];
}) {
  const rows = props.checks
    .map((check, index) => ({ ...check, key: String(index), index }))
    .sort(
      (a, b) =>
        (OUTCOME_ORDER[a.outcome] ?? 1) - (OUTCOME_ORDER[b.outcome] ?? 1) ||
        a.index - b.index,
    );
  return (
    <DenseTable<Row>
      label={props.label}
      columns={columns}
      data={rows}
      emptyText="The run made no checks: the contract describes no table to test."
    />
  );
}
