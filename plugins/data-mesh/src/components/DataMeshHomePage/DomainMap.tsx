import {
  DependencyGraph,
  DependencyGraphTypes,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  EntityRefLinks,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import { KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { DomainMapResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { DenseTable, LevelChip, ToneChip } from '../shared';

type NodeData = {
  kind: 'domain' | 'product';
  label: string;
  compliant?: boolean | null;
};

const useStyles = makeStyles(theme => ({
  node: { cursor: 'pointer', outline: 'none' },
  domain: {
    fill: theme.palette.secondary.light,
    stroke: theme.palette.secondary.dark,
  },
  product: {
    fill: theme.palette.primary.light,
    stroke: theme.palette.primary.dark,
  },
  notCompliant: {
    fill: theme.palette.primary.light,
    stroke: theme.palette.error.main,
    strokeWidth: 3,
  },
  text: { fill: theme.palette.primary.contrastText, fontSize: 14 },
}));

/** A name for a ref without its kind and default namespace. */
function shortName(entityRef: string): string {
  try {
    const ref = parseEntityRef(entityRef);
    return ref.namespace === 'default'
      ? ref.name
      : `${ref.namespace}/${ref.name}`;
  } catch {
    return entityRef;
  }
}

/** A node of the map: a box of a fixed size per character, so it needs no measuring. */
function MapNode(props: {
  node: DependencyGraphTypes.DependencyNode<NodeData>;
}) {
  const { node } = props;
  const classes = useStyles();
  const navigate = useNavigate();
  const entityLink = useEntityRefLink();
  const width = Math.max(80, node.label.length * 8 + 24);
  const height = 36;
  const open = () => navigate(entityLink(node.id));
  let boxClass = classes.product;
  if (node.kind === 'domain') boxClass = classes.domain;
  else if (node.compliant === false) boxClass = classes.notCompliant;
  return (
    <g
      className={classes.node}
      role="link"
      tabIndex={0}
      aria-label={`${node.kind === 'domain' ? 'Domain' : 'Data product'} ${
        node.label
      }`}
      onClick={open}
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === 'Enter') open();
      }}
    >
      <rect
        className={boxClass}
        width={width}
        height={height}
        rx={node.kind === 'domain' ? 4 : 12}
      />
      <text
        className={classes.text}
        x={width / 2}
        y={height / 2}
        textAnchor="middle"
        alignmentBaseline="middle"
      >
        {node.label}
      </text>
    </g>
  );
}

/**
 * The map as graph data: domains, products and their edges (containment, then lineage). The
 * backend's edges say that `from` depends on `to`; the graph draws data flowing from the
 * upstream product to the one that reads it.
 */
export function mapGraph(map: DomainMapResponse) {
  const nodes: DependencyGraphTypes.DependencyNode<NodeData>[] = [
    ...map.domains.map(domain => ({
      id: domain.entityRef,
      kind: 'domain' as const,
      label: domain.title || shortName(domain.entityRef),
    })),
    ...map.products.map(product => ({
      id: product.entityRef,
      kind: 'product' as const,
      label: product.title || shortName(product.entityRef),
      compliant: product.compliant,
    })),
  ];
  const ids = new Set(nodes.map(node => node.id));
  const edges: DependencyGraphTypes.DependencyEdge<{ label?: string }>[] = [
    ...map.domains
      .filter(domain => domain.parentRef && ids.has(domain.parentRef))
      .map(domain => ({ from: domain.parentRef!, to: domain.entityRef })),
    ...map.products
      .filter(product => product.domainRef && ids.has(product.domainRef))
      .map(product => ({ from: product.domainRef!, to: product.entityRef })),
    ...map.edges
      .filter(edge => ids.has(edge.from) && ids.has(edge.to))
      .map(edge => ({ from: edge.to, to: edge.from, label: 'feeds' })),
  ];
  return { nodes, edges };
}

type ProductRow = DomainMapResponse['products'][number] & {
  upstream: string[];
  downstream: string[];
};

const COLUMNS: TableColumn<ProductRow>[] = [
  {
    title: 'Domain',
    field: 'domainRef',
    defaultSort: 'asc',
    render: row =>
      row.domainRef ? (
        <EntityRefLink entityRef={row.domainRef} defaultKind="Domain" />
      ) : (
        'No domain'
      ),
  },
  {
    title: 'Data product',
    field: 'entityRef',
    render: row => (
      <EntityRefLink entityRef={row.entityRef} defaultKind="DataProduct">
        {row.title || undefined}
      </EntityRefLink>
    ),
  },
  {
    title: 'Level',
    field: 'level',
    render: row => <LevelChip level={row.level} />,
  },
  {
    title: 'Compliance',
    field: 'compliant',
    render: row =>
      row.compliant === null ? (
        <ToneChip tone="neutral" variant="outlined" label="Not evaluated" />
      ) : (
        <ToneChip
          tone={row.compliant ? 'success' : 'error'}
          variant="outlined"
          label={row.compliant ? 'Compliant' : 'Not compliant'}
        />
      ),
  },
  {
    title: 'Reads from',
    render: row => (
      <EntityRefLinks entityRefs={row.upstream} defaultKind="DataProduct" />
    ),
  },
  {
    title: 'Read by',
    render: row => (
      <EntityRefLinks entityRefs={row.downstream} defaultKind="DataProduct" />
    ),
  },
];

/**
 * The mesh's domains with their products and the lineage between products, as a graph that
 * zooms, pans and opens an entity on click, and as a table.
 */
export function DomainMap() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getDomainMap(),
    [dataMeshApi],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || (value.domains.length === 0 && value.products.length === 0)) {
    return (
      <EmptyState
        missing="data"
        title="No domain or data product yet"
        description="Domains and data products show here once they are in the catalog."
      />
    );
  }
  const { nodes, edges } = mapGraph(value);
  const rows: ProductRow[] = value.products.map(product => ({
    ...product,
    // `from` depends on (reads from) `to`.
    upstream: value.edges
      .filter(edge => edge.from === product.entityRef)
      .map(edge => edge.to),
    downstream: value.edges
      .filter(edge => edge.to === product.entityRef)
      .map(edge => edge.from),
  }));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Domain map"
          subheader="Domains, their data products and what feeds what; scroll to zoom, drag to pan, click to open. Products outlined in red are not compliant."
        >
          <DependencyGraph
            nodes={nodes}
            edges={edges}
            renderNode={MapNode}
            direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
            zoom="enable-on-click"
            fit="contain"
            style={{ width: '100%', minHeight: 400 }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Data products by domain">
          <DenseTable
            label="Data products by domain"
            columns={COLUMNS}
            data={rows}
            emptyText="No data product belongs to a domain"
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
