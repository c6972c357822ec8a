import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { GovernanceSummaryResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import { DenseTable, ToneChip } from '../shared';

type Row = GovernanceSummaryResponse['violations'][number] & {
  /** For sorting and searching by policy title. */
  policies: string;
};

function columns(policyTitles: Record<string, string>): TableColumn<Row>[] {
  return [
    {
      title: 'Data product',
      field: 'entityRef',
      render: row => (
        <EntityRefLink entityRef={row.entityRef} defaultKind="DataProduct" />
      ),
    },
    {
      title: 'Domain',
      field: 'domainRef',
      render: row =>
        row.domainRef && (
          <EntityRefLink entityRef={row.domainRef} defaultKind="Domain" />
        ),
    },
    {
      title: 'Owner',
      field: 'ownerRef',
      render: row =>
        row.ownerRef && (
          <EntityRefLink entityRef={row.ownerRef} defaultKind="Group" />
        ),
    },
    {
      title: 'Blocking policies',
      field: 'policies',
      render: row => (
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          {row.policyIds.map(id => (
            <ToneChip
              key={id}
              tone="error"
              variant="outlined"
              label={policyTitles[id] ?? id}
              title={id}
            />
          ))}
        </Box>
      ),
    },
  ];
}

/** Non-compliant products with their domain, owner and the titles of their blocking policies. */
export function ViolationsTable(props: {
  violations: GovernanceSummaryResponse['violations'];
  policyTitles: Record<string, string>;
}) {
  return (
    <DenseTable
      label="Violations"
      columns={columns(props.policyTitles)}
      data={props.violations.map(violation => ({
        ...violation,
        policies: violation.policyIds
          .map(id => props.policyTitles[id] ?? id)
          .join(' '),
      }))}
      emptyText="Every evaluated data product is compliant"
    />
  );
}
