import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { ChangeEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { dataMeshApiRef, ProductsQuery, ProductsSort } from '../../api';
import { LevelChip, StatusChip, ToneChip } from '../shared';

/** Products per page. */
export const PAGE_SIZE = 25;
/** How long the search box waits for typing to pause before it searches. */
const SEARCH_DELAY_MS = 300;

type Option = { value: string; label: string };

const ANY: Option = { value: '', label: 'Any' };

type Select = { param: string; label: string; options: Option[] };

/** The level filter: the configured levels, lowest first, and products below all of them. */
function levelSelect(levels: string[]): Select {
  return {
    param: 'level',
    label: 'Level',
    options: [
      ...levels.map(value => ({ value, label: value })),
      { value: 'none', label: 'No level' },
    ],
  };
}

/** The other filters shown as drop-downs, by URL parameter. */
const SELECTS: Select[] = [
  {
    param: 'status',
    label: 'Status',
    options: DATA_PRODUCT_STATUSES.map(value => ({ value, label: value })),
  },
  {
    param: 'type',
    label: 'Type',
    options: DATA_PRODUCT_TYPES.map(value => ({ value, label: value })),
  },
  {
    param: 'classification',
    label: 'Classification',
    options: DATA_CLASSIFICATIONS.map(value => ({ value, label: value })),
  },
  {
    param: 'personalData',
    label: 'Personal data',
    options: [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' },
    ],
  },
  {
    param: 'compliant',
    label: 'Compliance',
    options: [
      { value: 'true', label: 'Compliant' },
      { value: 'false', label: 'Not compliant' },
    ],
  },
];

/** The filters picked from catalog entities, by URL parameter; several may be picked. */
const PICKERS: Array<{ param: string; label: string; kind: string }> = [
  { param: 'domain', label: 'Domain', kind: 'Domain' },
  { param: 'owner', label: 'Owner', kind: 'Group' },
];

const LIST_PARAMS = [
  'domain',
  'owner',
  'status',
  'type',
  'classification',
  'level',
];
const SORTS: ProductsSort[] = ['score', '-score', 'name', '-name'];

/** The query of the backend from the page's URL parameters. */
export function queryFromSearchParams(params: URLSearchParams): ProductsQuery {
  const query: ProductsQuery = {
    limit: PAGE_SIZE,
    offset: Math.max(0, Number(params.get('page') ?? 1) - 1 || 0) * PAGE_SIZE,
  };
  const q = params.get('q');
  if (q) query.q = q;
  for (const param of LIST_PARAMS) {
    const values = params.getAll(param).filter(Boolean);
    if (values.length > 0) {
      (query as Record<string, unknown>)[param] =
        values.length === 1 ? values[0] : values;
    }
  }
  for (const param of ['personalData', 'compliant'] as const) {
    const value = params.get(param);
    if (value === 'true' || value === 'false') query[param] = value === 'true';
  }
  const sort = params.get('sort') as ProductsSort | null;
  query.sort = sort && SORTS.includes(sort) ? sort : '-score';
  return query;
}

/** The product's page in the catalog, from its ref. */
function ProductLink(props: {
  entityRef: string;
  title: string | null;
  name: string;
}) {
  return (
    <EntityRefLink entityRef={props.entityRef} defaultKind="DataProduct">
      {props.title || props.name}
    </EntityRefLink>
  );
}

/**
 * Search and filter the mesh's data products, sorted by score, a page at a time; the filters,
 * sort and page live in the URL so that a view can be shared.
 */
export function ProductExplorer() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const [search, setSearch] = useState(searchParams.get('q') ?? '');

  const update = (
    changes: Record<string, string | string[]>,
    keepPage = false,
  ) => {
    setSearchParams(
      previous => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          next.delete(key);
          [value].flat().forEach(v => v && next.append(key, v));
        }
        if (!keepPage) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };

  // Back and forward in history change the URL under the search box; what the box itself
  // wrote must not overwrite what has been typed since.
  const urlSearch = searchParams.get('q') ?? '';
  const written = useRef(urlSearch);
  useEffect(() => {
    if (urlSearch !== written.current) {
      written.current = urlSearch;
      setSearch(urlSearch);
    }
  }, [urlSearch]);
  useDebounce(
    () => {
      if (search !== urlSearch) {
        written.current = search;
        update({ q: search });
      }
    },
    SEARCH_DELAY_MS,
    [search],
  );

  const { value: rules } = useAsync(
    () => dataMeshApi.getRules(),
    [dataMeshApi],
  );
  const selects = [...SELECTS];
  // Level sits before compliance, as on the product pages.
  selects.splice(-1, 0, levelSelect(rules?.levels ?? []));

  const query = queryFromSearchParams(searchParams);
  const queryKey = JSON.stringify(query);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.queryProducts(JSON.parse(queryKey)),
    [dataMeshApi, queryKey],
  );

  const filtered = LIST_PARAMS.concat(['q', 'personalData', 'compliant']).some(
    param => searchParams.get(param),
  );
  const page = (query.offset ?? 0) / PAGE_SIZE;
  const scoreDirection = query.sort === 'score' ? 'asc' : 'desc';

  let results;
  if (loading && !value) {
    results = <Progress />;
  } else if (error) {
    results = <ResponseErrorPanel error={error} />;
  } else if (!value || value.items.length === 0) {
    results = (
      <EmptyState
        missing={filtered ? 'content' : 'data'}
        title={
          filtered
            ? 'No data product matches these filters'
            : 'No data product has been evaluated yet'
        }
        description={
          filtered
            ? 'Clear a filter or search for something else.'
            : 'Data products show here once the data mesh backend has evaluated them.'
        }
      />
    );
  } else {
    results = (
      <Paper variant="outlined">
        <Table size="small" aria-label="Data products">
          <TableHead>
            <TableRow>
              <TableCell>Data product</TableCell>
              <TableCell>Domain</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Status</TableCell>
              <TableCell
                align="right"
                sortDirection={
                  query.sort?.endsWith('score') ? scoreDirection : false
                }
              >
                <TableSortLabel
                  active={query.sort?.endsWith('score')}
                  direction={scoreDirection}
                  onClick={() =>
                    update({
                      sort: query.sort === '-score' ? 'score' : '-score',
                    })
                  }
                >
                  Score
                </TableSortLabel>
              </TableCell>
              <TableCell>Level</TableCell>
              <TableCell>Compliance</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(product => (
              <TableRow key={product.entityRef}>
                <TableCell>
                  <ProductLink {...product} />
                </TableCell>
                <TableCell>
                  {product.domainRef ? (
                    <EntityRefLink
                      entityRef={product.domainRef}
                      defaultKind="Domain"
                    />
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  {product.ownerRef ? (
                    <EntityRefLink
                      entityRef={product.ownerRef}
                      defaultKind="Group"
                    />
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  <StatusChip status={product.status ?? undefined} />
                </TableCell>
                <TableCell align="right">{Math.round(product.score)}</TableCell>
                <TableCell>
                  <LevelChip level={product.level} />
                </TableCell>
                <TableCell>
                  <ToneChip
                    tone={product.compliant ? 'success' : 'error'}
                    variant="outlined"
                    label={product.compliant ? 'Compliant' : 'Not compliant'}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={page}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
          onPageChange={(_event, next) =>
            update({ page: next > 0 ? String(next + 1) : '' }, true)
          }
        />
      </Paper>
    );
  }

  return (
    <Box>
      <Box display="flex" flexWrap="wrap" gridGap={16} mb={2}>
        <TextField
          label="Search"
          placeholder="Name or title"
          variant="outlined"
          size="small"
          value={search}
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            setSearch(event.target.value)
          }
          inputProps={{ 'aria-label': 'Search data products' }}
        />
        {PICKERS.map(picker => (
          <EntityRefPicker
            key={picker.param}
            label={picker.label}
            kind={picker.kind}
            value={searchParams.getAll(picker.param).filter(Boolean)}
            onChange={next => update({ [picker.param]: next })}
          />
        ))}
        {selects.map(select => (
          <TextField
            key={select.param}
            select
            label={select.label}
            variant="outlined"
            size="small"
            style={{ minWidth: 140 }}
            value={searchParams.get(select.param) ?? ''}
            onChange={event => update({ [select.param]: event.target.value })}
            SelectProps={{
              SelectDisplayProps: { 'aria-label': select.label } as object,
            }}
          >
            {[ANY, ...select.options].map(option => (
              <MenuItem
                key={option.value}
                value={option.value}
                style={{ textTransform: 'capitalize' }}
              >
                {option.label}
              </MenuItem>
            ))}
          </TextField>
        ))}
      </Box>
      {results}
    </Box>
  );
}

/**
 * Picks entities of one kind from the catalog, by title or name; the value is their refs. A
 * ref from a shared URL that the catalog does not have stays shown, so the view stays true.
 */
function EntityRefPicker(props: {
  label: string;
  kind: string;
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const { kind } = props;
  const catalogApi = useApi(catalogApiRef);
  const { value: entities, loading } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items;
  }, [catalogApi, kind]);

  const defaultKind = kind.toLocaleLowerCase('en-US');
  const refOf = (value: string) => {
    try {
      return entityRefKey(value, { defaultKind });
    } catch {
      return value;
    }
  };
  const labels = new Map(
    (entities ?? []).map(entity => [
      entityRefKey(entity),
      entity.metadata.title ?? humanizeEntityRef(entity, { defaultKind }),
    ]),
  );
  const options = [...new Set([...labels.keys(), ...props.value.map(refOf)])];
  const labelOf = (ref: string) =>
    labels.get(ref) ??
    humanizeEntityRef(parseEntityRef(ref, { defaultKind }), { defaultKind });

  return (
    <Autocomplete
      multiple
      size="small"
      style={{ minWidth: 220 }}
      loading={loading}
      options={options.sort((a, b) => labelOf(a).localeCompare(labelOf(b)))}
      value={props.value.map(refOf)}
      getOptionLabel={labelOf}
      onChange={(_event, refs) => props.onChange(refs)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          placeholder={props.value.length ? '' : 'Any'}
        />
      )}
    />
  );
}
