import { Entity } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { StatusChip } from './StatusChip';

/** The optional columns of a {@link DataProductTable}; the name column is always there. */
export type DataProductColumn = 'status' | 'type' | 'owner' | 'domain';

type Row = { id: string; product: DataProductEntityV1alpha1 };

function refColumn(title: string, field: 'owner' | 'domain'): TableColumn<Row> {
  return {
    title,
    customSort: (a, b) =>
      (a.product.spec?.[field] ?? '').localeCompare(
        b.product.spec?.[field] ?? '',
      ),
    render: ({ product }) =>
      product.spec?.[field] ? (
        <EntityRefLink
          entityRef={parseDataMeshRef(product.spec[field], field, product)}
        />
      ) : null,
  };
}

const COLUMNS: Record<'name' | DataProductColumn, TableColumn<Row>> = {
  name: {
    title: 'Name',
    customSort: (a, b) =>
      (a.product.metadata.title ?? a.product.metadata.name).localeCompare(
        b.product.metadata.title ?? b.product.metadata.name,
      ),
    render: ({ product }) => <EntityRefLink entityRef={product} />,
  },
  status: {
    title: 'Status',
    customSort: (a, b) =>
      (a.product.spec?.status ?? '').localeCompare(
        b.product.spec?.status ?? '',
      ),
    render: ({ product }) => <StatusChip status={product.spec?.status} />,
  },
  type: {
    title: 'Type',
    customSort: (a, b) =>
      (a.product.spec?.type ?? '').localeCompare(b.product.spec?.type ?? ''),
    render: ({ product }) => product.spec?.type,
  },
  owner: refColumn('Owner', 'owner'),
  domain: refColumn('Domain', 'domain'),
};

/**
 * A card with a table of data products, with its progress, error and empty states. Every list
 * of products in the plugin goes through it.
 */
export function DataProductTable(props: {
  title: string;
  subheader?: ReactNode;
  columns: DataProductColumn[];
  products?: Entity[];
  loading?: boolean;
  error?: Error;
  emptyText: string;
}) {
  const { products = [], loading, error } = props;
  let content: ReactNode;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (products.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        {props.emptyText}
      </Typography>
    );
  } else {
    content = (
      <Table<Row>
        columns={[COLUMNS.name, ...props.columns.map(c => COLUMNS[c])]}
        data={products.map(product => ({
          id: product.metadata.uid ?? product.metadata.name,
          product: product as DataProductEntityV1alpha1,
        }))}
        options={{
          toolbar: false,
          paging: false,
          search: false,
          padding: 'dense',
        }}
        style={{ boxShadow: 'none' }}
      />
    );
  }
  return (
    <InfoCard title={props.title} subheader={props.subheader}>
      {content}
    </InfoCard>
  );
}
