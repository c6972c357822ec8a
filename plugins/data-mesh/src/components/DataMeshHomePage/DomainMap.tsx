import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useRef } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { DomainMapResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { DenseTable, LevelChip, ToneChip } from '../shared';

type MapDomain = DomainMapResponse['domains'][number];
type MapProduct = DomainMapResponse['products'][number];

/** A domain of the map with its products and subdomains, nested as the catalog has them. */
export type DomainGroup = {
  entityRef: string | null;
  label: string;
  products: MapProduct[];
  subdomains: DomainGroup[];
};

const useStyles = makeStyles(theme => ({
  groups: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))',
    gap: theme.spacing(2),
    alignItems: 'start',
  },
  group: {
    border: `2px solid ${theme.palette.secondary.main}`,
    borderRadius: theme.shape.borderRadius * 2,
    padding: theme.spacing(1.5),
    background: theme.palette.background.default,
  },
  subdomain: {
    border: `1px dashed ${theme.palette.secondary.main}`,
    borderRadius: theme.shape.borderRadius * 2,
    padding: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  groupTitle: { fontWeight: theme.typography.fontWeightBold as number },
  products: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  product: {
    display: 'inline-flex',
    flexDirection: 'column',
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius * 3,
    border: `2px solid ${theme.palette.grey[500]}`,
    background: theme.palette.background.paper,
    maxWidth: '100%',
  },
  compliant: { borderColor: theme.palette.success.main },
  notCompliant: { borderColor: theme.palette.error.main },
  lineage: { fontSize: theme.typography.caption.fontSize },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    marginBottom: theme.spacing(2),
  },
  swatch: {
    display: 'inline-block',
    width: 24,
    height: 14,
    borderRadius: 7,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
    border: `2px solid ${theme.palette.grey[500]}`,
  },
  domainSwatch: {
    borderRadius: 3,
    borderColor: theme.palette.secondary.main,
  },
  fullscreen: {
    background: theme.palette.background.paper,
    overflow: 'auto',
    padding: theme.spacing(2),
  },
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

const byLabel = (a: { label: string }, b: { label: string }) =>
  a.label.localeCompare(b.label);
const productLabel = (product: MapProduct) =>
  product.title || shortName(product.entityRef);

/**
 * The map's domains as groups: top-level domains (and domains whose parent is not in the map)
 * hold their products and subdomains; products without a known domain are in a last group.
 * Groups and products are sorted by name.
 */
export function domainGroups(map: DomainMapResponse): DomainGroup[] {
  const known = new Set(map.domains.map(domain => domain.entityRef));
  const group = (domain: MapDomain): DomainGroup => ({
    entityRef: domain.entityRef,
    label: domain.title || shortName(domain.entityRef),
    products: map.products
      .filter(product => product.domainRef === domain.entityRef)
      .sort((a, b) => productLabel(a).localeCompare(productLabel(b))),
    subdomains: map.domains
      .filter(child => child.parentRef === domain.entityRef)
      .map(group)
      .sort(byLabel),
  });
  const groups = map.domains
    .filter(domain => !domain.parentRef || !known.has(domain.parentRef))
    .map(group)
    .sort(byLabel);
  const homeless = map.products.filter(
    product => !product.domainRef || !known.has(product.domainRef),
  );
  if (homeless.length > 0) {
    groups.push({
      entityRef: null,
      label: 'No domain',
      products: homeless.sort((a, b) =>
        productLabel(a).localeCompare(productLabel(b)),
      ),
      subdomains: [],
    });
  }
  return groups;
}

/** Lineage counts of each product of the map: how many of them it reads from and is read by. */
function lineageCounts(map: DomainMapResponse) {
  const counts = new Map<string, { reads: number; readBy: number }>();
  const of = (ref: string) => {
    const count = counts.get(ref) ?? { reads: 0, readBy: 0 };
    counts.set(ref, count);
    return count;
  };
  const shown = new Set(map.products.map(product => product.entityRef));
  // `from` depends on (reads from) `to`; a product the caller cannot see is not counted.
  for (const edge of map.edges) {
    if (!shown.has(edge.from) || !shown.has(edge.to)) continue;
    of(edge.from).reads++;
    of(edge.to).readBy++;
  }
  return counts;
}

function ProductChip(props: {
  product: MapProduct;
  lineage?: { reads: number; readBy: number };
}) {
  const { product, lineage } = props;
  const classes = useStyles();
  let tone = '';
  if (product.compliant === true) tone = classes.compliant;
  else if (product.compliant === false) tone = classes.notCompliant;
  const flows = [
    lineage?.reads ? `reads ${lineage.reads}` : '',
    lineage?.readBy ? `read by ${lineage.readBy}` : '',
  ].filter(Boolean);
  let compliance = 'not evaluated';
  if (product.compliant === true) compliance = 'compliant';
  else if (product.compliant === false) compliance = 'not compliant';
  return (
    <span
      className={`${classes.product} ${tone}`}
      role="listitem"
      aria-label={`${productLabel(product)}, ${compliance}${
        product.level ? `, ${product.level}` : ''
      }`}
    >
      <Box display="flex" alignItems="center" gridGap={4}>
        <EntityRefLink entityRef={product.entityRef} defaultKind="DataProduct">
          {product.title || undefined}
        </EntityRefLink>
        {product.level && <LevelChip level={product.level} />}
      </Box>
      {flows.length > 0 && (
        <Typography className={classes.lineage} color="textSecondary">
          {flows.join(' · ')}
        </Typography>
      )}
    </span>
  );
}

function GroupBox(props: {
  group: DomainGroup;
  lineage: ReturnType<typeof lineageCounts>;
  nested?: boolean;
}) {
  const { group, lineage, nested } = props;
  const classes = useStyles();
  return (
    <section
      className={nested ? classes.subdomain : classes.group}
      aria-label={`Domain ${group.label}`}
    >
      <Typography variant="subtitle1" className={classes.groupTitle}>
        {group.entityRef ? (
          <EntityRefLink entityRef={group.entityRef} defaultKind="Domain">
            {group.label}
          </EntityRefLink>
        ) : (
          group.label
        )}
      </Typography>
      {group.products.length > 0 ? (
        <div className={classes.products} role="list">
          {group.products.map(product => (
            <ProductChip
              key={product.entityRef}
              product={product}
              lineage={lineage.get(product.entityRef)}
            />
          ))}
        </div>
      ) : (
        group.subdomains.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            No data product yet
          </Typography>
        )
      )}
      {group.subdomains.map(subdomain => (
        <GroupBox
          key={subdomain.entityRef}
          group={subdomain}
          lineage={lineage}
          nested
        />
      ))}
    </section>
  );
}

function Legend() {
  const classes = useStyles();
  const theme = useTheme();
  const item = (swatch: string, label: string, style?: object) => (
    <Typography variant="body2" component="span">
      <span className={`${classes.swatch} ${swatch}`} style={style} />
      {label}
    </Typography>
  );
  return (
    <div className={classes.legend} aria-label="Legend">
      {item(classes.domainSwatch, 'Domain (a dashed box is a subdomain)')}
      {item(classes.compliant, 'Compliant product')}
      {item(classes.notCompliant, 'Not compliant')}
      {item('', 'Not evaluated yet', {
        borderColor: theme.palette.grey[500],
      })}
      <Typography variant="body2" component="span" color="textSecondary">
        reads n · read by n: the products it reads from and that read it
      </Typography>
    </div>
  );
}

/** The map's groups with a legend; a button shows them on the whole screen, where they reflow. */
function DomainGroups(props: { map: DomainMapResponse }) {
  const classes = useStyles();
  const ref = useRef<HTMLDivElement>(null);
  const groups = domainGroups(props.map);
  const lineage = lineageCounts(props.map);
  const fullscreen = () => {
    if (document.fullscreenElement) document.exitFullscreen?.();
    else ref.current?.requestFullscreen?.();
  };
  return (
    <div ref={ref} className={classes.fullscreen}>
      <Box display="flex" justifyContent="space-between" alignItems="start">
        <Legend />
        {document.fullscreenEnabled && (
          <Button
            size="small"
            variant="outlined"
            onClick={fullscreen}
            style={{ whiteSpace: 'nowrap', flexShrink: 0 }}
          >
            Full screen
          </Button>
        )}
      </Box>
      <div className={classes.groups}>
        {groups.map(group => (
          <GroupBox
            key={group.entityRef ?? 'none'}
            group={group}
            lineage={lineage}
          />
        ))}
      </div>
    </div>
  );
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
 * The mesh's domains as groups of their data products (subdomains inside their parent), with
 * a legend and a full-screen view, and a table of the products with their lineage.
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
          subheader="Each domain with its data products; the table below says which products read from which."
        >
          <DomainGroups map={value} />
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
