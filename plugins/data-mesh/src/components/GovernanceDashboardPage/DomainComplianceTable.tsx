import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { GovernanceSummaryResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ComplianceBar,
  compliancePercent,
  DenseTable,
  formatPercent,
} from '../shared';

type Row = GovernanceSummaryResponse['domains'][number] & {
  compliance: number;
};

const COLUMNS: TableColumn<Row>[] = [
  {
    title: 'Domain',
    field: 'domainRef',
    render: row =>
      row.domainRef ? (
        <EntityRefLink entityRef={row.domainRef} defaultKind="Domain" />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No domain
        </Typography>
      ),
  },
  // One column for both counts, so the table fits half a page.
  {
    title: 'Compliant',
    field: 'compliant',
    type: 'numeric',
    render: row => `${row.compliant} of ${row.products}`,
  },
  {
    title: 'Compliance',
    field: 'compliance',
    width: '36%',
    // Least compliant domains first: they need attention.
    defaultSort: 'asc',
    render: row => (
      <Box display="flex" alignItems="center" gridGap={8} minWidth={120}>
        <Box flex={1}>
          <ComplianceBar
            compliant={row.compliant}
            total={row.products}
            label="Share of compliant products"
          />
        </Box>
        <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
          {formatPercent(row.compliance)}
        </Typography>
      </Box>
    ),
  },
];

/** Per domain: how many of its evaluated products comply, and the share, worst first. */
export function DomainComplianceTable(props: {
  domains: GovernanceSummaryResponse['domains'];
}) {
  return (
    <DenseTable
      label="Compliance per domain"
      columns={COLUMNS}
      data={props.domains.map(domain => ({
        ...domain,
        compliance: compliancePercent(domain.compliant, domain.products),
      }))}
      emptyText="No evaluated data product belongs to a domain"
    />
  );
}
