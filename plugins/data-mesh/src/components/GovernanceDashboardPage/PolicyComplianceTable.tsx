import { TableColumn } from '@backstage/core-components';
import { GovernanceSummaryResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import {
  DenseTable,
  EnforcementChip,
  PolicyOrigin,
  SeverityChip,
} from '../shared';

type Row = GovernanceSummaryResponse['policies'][number] & {
  /** For sorting and searching by origin. */
  originText: string;
};

const COLUMNS: TableColumn<Row>[] = [
  {
    title: 'Policy',
    field: 'title',
    render: row => (
      <>
        <Typography variant="body2">{row.title}</Typography>
        {row.title !== row.id && (
          <Typography variant="caption" color="textSecondary">
            {row.id}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Origin',
    field: 'originText',
    render: row => <PolicyOrigin policy={row} />,
  },
  {
    title: 'Severity',
    field: 'severity',
    render: row => <SeverityChip severity={row.severity} />,
  },
  {
    title: 'Enforcement',
    field: 'enforcement',
    render: row => <EnforcementChip enforcement={row.enforcement} />,
  },
  { title: 'Applicable', field: 'applicable', type: 'numeric' },
  { title: 'Failing', field: 'failing', type: 'numeric', defaultSort: 'desc' },
  { title: 'Waived', field: 'waived', type: 'numeric' },
];

/** Per policy in force anywhere: how many products it applies to, fails on and is waived for. */
export function PolicyComplianceTable(props: {
  policies: GovernanceSummaryResponse['policies'];
}) {
  return (
    <DenseTable
      label="Compliance per policy"
      columns={COLUMNS}
      data={props.policies.map(policy => ({
        ...policy,
        originText:
          policy.origin === 'domain' ? policy.domainRef ?? 'domain' : 'global',
      }))}
      emptyText="No policy is in force"
    />
  );
}
