import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { AccessRequest } from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import {
  DenseTable,
  formatDate,
  formatDateTime,
  formatRelativeTime,
} from '../shared';
import { AccessDecisionActions, isDecidable } from './AccessDecisionActions';
import { AccessHistory } from './AccessHistory';
import { AccessStateChip } from './AccessStateChip';

/** The optional columns of an {@link AccessRequestTable}. */
export type AccessRequestColumn =
  | 'product'
  | 'port'
  | 'consumer'
  | 'state'
  | 'purpose'
  | 'terms'
  | 'lastChange';

function Caption(props: { children: ReactNode }) {
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      {props.children}
    </Typography>
  );
}

const COLUMNS: Record<AccessRequestColumn, TableColumn<AccessRequest>> = {
  product: {
    title: 'Data product',
    field: 'productRef',
    render: row => (
      <EntityRefLink entityRef={row.productRef} defaultKind="DataProduct" />
    ),
  },
  port: {
    title: 'Port',
    field: 'outputPort',
    cellStyle: { whiteSpace: 'nowrap' },
  },
  consumer: {
    title: 'Consumer',
    field: 'consumerRef',
    render: row => (
      <EntityRefLink entityRef={row.consumerRef} defaultKind="Group" />
    ),
  },
  state: {
    title: 'State',
    field: 'state',
    render: row => <AccessStateChip state={row.state} />,
  },
  purpose: {
    title: 'Purpose',
    field: 'purpose',
    cellStyle: { minWidth: 200 },
    render: row => (
      <>
        <Typography variant="body2">{row.purpose}</Typography>
        <Caption>
          requested by{' '}
          <EntityRefLink entityRef={row.requestedBy} defaultKind="User" />{' '}
          <span title={formatDateTime(row.requestedAt)}>
            {formatRelativeTime(row.requestedAt)}
          </span>
        </Caption>
      </>
    ),
  },
  terms: {
    title: 'Contract / until',
    field: 'until',
    cellStyle: { whiteSpace: 'nowrap' },
    render: row => (
      <>
        <Typography variant="body2">
          {row.contractVersion ? `v${row.contractVersion}` : 'any version'}
        </Typography>
        <Caption>
          {row.until ? `until ${formatDate(row.until)}` : 'no end date'}
        </Caption>
      </>
    ),
  },
  lastChange: {
    title: 'Last change',
    field: 'updatedAt',
    cellStyle: { minWidth: 170 },
    render: row => <AccessHistory request={row} />,
  },
};

/**
 * Usage agreements as a table with the given columns; for owners (`onDecided` given) a last
 * column with Approve / Reject on requested agreements and Revoke on granted ones.
 */
export function AccessRequestTable(props: {
  label: string;
  requests: AccessRequest[];
  columns: AccessRequestColumn[];
  emptyText: string;
  onDecided?: () => void;
}) {
  const { onDecided } = props;
  const columns = props.columns.map(column => COLUMNS[column]);
  if (onDecided && props.requests.some(isDecidable)) {
    columns.push({
      title: 'Decision',
      sorting: false,
      render: row => (
        <AccessDecisionActions request={row} onDecided={onDecided} />
      ),
    });
  }
  return (
    <DenseTable
      label={props.label}
      columns={columns}
      data={props.requests}
      emptyText={props.emptyText}
    />
  );
}
