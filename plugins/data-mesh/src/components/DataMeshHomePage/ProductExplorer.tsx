import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
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

/** The filters shown as drop-downs, by URL parameter. */
const SELECTS: Array<{ param: string; label: string; options: Option[] }> = [
  {
    param: 'status',
    label: 'Status',
    options: ['proposed', 'draft', 'active', 'deprecated', 'retired'].map(
      value => ({ value, label: value }),
    ),
  },
  {
    param: 'classification',
    label: 'Classification',
    options: ['public', 'internal', 'confidential', 'restricted'].map(
      value => ({ value, label: value }),
    ),
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
    param: 'level',
    label: 'Level',
    options: ['bronze', 'silver', 'gold'].map(value => ({
      value,
      label: value,
    })),
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

/** The filters typed in as text (entity refs or types), by URL parameter. */
const TEXTS: Array<{ param: string; label: string; placeholder: string }> = [
  { param: 'domain', label: 'Domain', placeholder: 'domain:default/sales' },
  { param: 'owner', label: 'Owner', placeholder: 'group:default/team' },
  { param: 'type', label: 'Type', placeholder: 'source-aligned' },
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

  const update = (changes: Record<string, string>, keepPage = false) => {
    setSearchParams(
      previous => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
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
        {TEXTS.map(text => (
          <FilterText
            key={text.param}
            label={text.label}
            placeholder={text.placeholder}
            value={searchParams.get(text.param) ?? ''}
            onChange={next => update({ [text.param]: next })}
          />
        ))}
        {SELECTS.map(select => (
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

/** A text filter that applies when typing pauses, like the search box. */
function FilterText(props: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(value);
  const written = useRef(value);
  useEffect(() => {
    if (value !== written.current) {
      written.current = value;
      setText(value);
    }
  }, [value]);
  useDebounce(
    () => {
      if (text !== value) {
        written.current = text;
        onChange(text);
      }
    },
    SEARCH_DELAY_MS,
    [text],
  );
  return (
    <TextField
      label={props.label}
      placeholder={props.placeholder}
      variant="outlined"
      size="small"
      value={text}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        setText(event.target.value)
      }
    />
  );
}
