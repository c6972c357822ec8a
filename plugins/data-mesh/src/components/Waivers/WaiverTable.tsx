import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Waiver } from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import {
  DenseTable,
  formatDate,
  formatDateTime,
  formatRelativeTime,
  WaiverStatusChip,
} from '../shared';
import { isDecidable, WaiverDecisionActions } from './WaiverDecisionActions';

/** The optional columns of a {@link WaiverTable}. */
export type WaiverColumn =
  | 'product'
  | 'policy'
  | 'status'
  | 'expires'
  | 'reason';

type Row = Waiver & { policyTitle: string };

function Caption(props: { children: ReactNode }) {
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      {props.children}
    </Typography>
  );
}

const COLUMNS: Record<WaiverColumn, TableColumn<Row>> = {
  product: {
    title: 'Data product',
    field: 'entityRef',
    render: row => (
      <EntityRefLink entityRef={row.entityRef} defaultKind="DataProduct" />
    ),
  },
  policy: { title: 'Policy', field: 'policyTitle' },
  status: {
    title: 'Status',
    field: 'status',
    render: row => <WaiverStatusChip status={row.status} />,
  },
  expires: {
    title: 'Ends',
    field: 'expiresAt',
    cellStyle: { whiteSpace: 'nowrap' },
    render: row => (
      <span title={formatDateTime(row.expiresAt)}>
        {formatDate(row.expiresAt)}
        <Caption>{formatRelativeTime(row.expiresAt)}</Caption>
      </span>
    ),
  },
  reason: {
    title: 'Reason',
    field: 'reason',
    render: row => (
      <>
        <Typography variant="body2">{row.reason}</Typography>
        <Caption>
          requested by{' '}
          <EntityRefLink entityRef={row.requestedBy} defaultKind="User" />{' '}
          {formatRelativeTime(row.requestedAt)}
        </Caption>
        {row.decidedBy && (
          <Caption>
            {row.status} by{' '}
            <EntityRefLink entityRef={row.decidedBy} defaultKind="User" />
            {row.decisionComment ? `: ${row.decisionComment}` : ''}
          </Caption>
        )}
      </>
    ),
  },
};

/**
 * Waivers as a table with the given columns; for governance admins (`onDecided` given) a last
 * column with Approve / Reject on pending waivers and Revoke on approved ones.
 */
export function WaiverTable(props: {
  label: string;
  waivers: Waiver[];
  columns: WaiverColumn[];
  /** Policy titles by id; a policy without one shows as its id. */
  policyTitles: Record<string, string>;
  emptyText: string;
  /** Given only to governance admins: called after each decision. */
  onDecided?: () => void;
}) {
  const { onDecided } = props;
  const rows: Row[] = props.waivers.map(waiver => ({
    ...waiver,
    policyTitle: props.policyTitles[waiver.policyId] ?? waiver.policyId,
  }));
  const columns = props.columns.map(column => COLUMNS[column]);
  if (onDecided && props.waivers.some(isDecidable)) {
    columns.push({
      title: 'Decision',
      sorting: false,
      render: row => (
        <WaiverDecisionActions
          waiver={row}
          policyTitle={row.policyTitle}
          onDecided={onDecided}
        />
      ),
    });
  }
  return (
    <DenseTable
      label={props.label}
      columns={columns}
      data={rows}
      emptyText={props.emptyText}
    />
  );
}
