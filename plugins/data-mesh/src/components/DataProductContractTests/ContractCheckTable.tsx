import { TableColumn } from '@backstage/core-components';
import {
  ContractCheckOutcome,
  ContractCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { CSSProperties, Fragment } from 'react';
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

/**
 * A table or column name that may wrap after `_`, `.` and `-` rather than anywhere (`<wbr>`
 * adds no character, so the name copies as it is).
 */
function Identifier(props: { name?: string }) {
  if (!props.name) return null;
  const parts = props.name.split(/(?<=[_.-])/);
  return (
    <code style={{ fontSize: '0.95em' }}>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </code>
  );
}

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

/**
 * Cells padded less than the table's default (20 and 16 px): six columns fit a laptop's page
 * (1024 px wide) without scrolling sideways.
 */
const PADDING: CSSProperties = { paddingLeft: 8, paddingRight: 8 };

/** Every column's cells padded by {@link PADDING}; its own cell style (an object) on top. */
const padded = (column: TableColumn<Row>): TableColumn<Row> => ({
  ...column,
  headerStyle: PADDING,
  cellStyle: { ...PADDING, ...(column.cellStyle as CSSProperties) },
});

const unpadded: TableColumn<Row>[] = [
  {
    title: 'Outcome',
    field: 'outcome',
    width: '1%',
    cellStyle: { whiteSpace: 'nowrap' },
    customSort: (a, b) =>
      (OUTCOME_ORDER[a.outcome] ?? 1) - (OUTCOME_ORDER[b.outcome] ?? 1),
    render: row => <ContractCheckOutcomeChip outcome={row.outcome} />,
  },
  {
    // The column (property) first, the table (object) under it: one object's checks share
    // the table, and the two side by side left no room for the message.
    title: 'Checked',
    field: 'property',
    cellStyle: { minWidth: 140 },
    customSort: (a, b) =>
      `${a.object}.${a.property ?? ''}`.localeCompare(
        `${b.object}.${b.property ?? ''}`,
      ),
    customFilterAndSearch: (term: string, row) =>
      [row.object, row.property ?? ''].some(name =>
        name
          .toLocaleLowerCase('en-US')
          .includes(term.toLocaleLowerCase('en-US')),
      ),
    render: row => (
      <>
        <Identifier name={row.property ?? row.object} />
        <Typography variant="caption" color="textSecondary" component="div">
          {row.property ? (
            <>
              of <Identifier name={row.object} />
            </>
          ) : (
            // Contract-wide checks have no object.
            (row.object && 'table') || 'contract'
          )}
        </Typography>
      </>
    ),
  },
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
  {
    title: 'Message',
    field: 'message',
    sorting: false,
    // The explanation is the longest text: it gets the room, identifiers wrap instead.
    cellStyle: { minWidth: 180 },
  },
];

const columns = unpadded.map(padded);

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
