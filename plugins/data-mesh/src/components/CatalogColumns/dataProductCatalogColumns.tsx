import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  parseDataMeshRef,
  ProductsQueryItem,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { DataMeshApi, dataMeshApiRef } from '../../api';
import { LevelChip, StatusChip, ToneChip } from '../shared';

/** How long the states of every product serve the catalog table before they are read again. */
const STATES_TTL_MS = 30_000;
/** The most pages of 100 products read for the table: the catalog of a very large mesh still answers. */
const MAX_PAGES = 50;

type States = Map<string, ProductsQueryItem>;
const cache = new WeakMap<
  DataMeshApi,
  { at: number; states: Promise<States> }
>();

/**
 * The latest evaluated state of every readable product, by lowercase entity ref: one read shared by the
 * rows of a table (and its next pages) for 30 s, instead of a request per row.
 */
export function loadProductStates(api: DataMeshApi): Promise<States> {
  const cached = cache.get(api);
  if (cached && Date.now() - cached.at < STATES_TTL_MS) return cached.states;
  const states = (async () => {
    const byRef: States = new Map();
    for (let page = 0; page < MAX_PAGES; page++) {
      const { items, totalCount } = await api.queryProducts({
        sort: 'name',
        limit: 100,
        offset: page * 100,
      });
      for (const item of items) {
        byRef.set(item.entityRef.toLocaleLowerCase('en-US'), item);
      }
      if (items.length === 0 || (page + 1) * 100 >= totalCount) break;
    }
    return byRef;
  })();
  // A failed read is not kept: the next render asks again.
  states.catch(() => cache.delete(api));
  cache.set(api, { at: Date.now(), states });
  return states;
}

type StateField = 'score' | 'level' | 'compliance';

function ProductStateCell(props: { entity: Entity; field: StateField }) {
  const api = useApi(dataMeshApiRef);
  const { value, error } = useAsync(() => loadProductStates(api), [api]);
  if (error) {
    return (
      <Typography variant="body2" color="error" title={error.message}>
        Unavailable
      </Typography>
    );
  }
  if (!value) return null;
  const state = value.get(
    stringifyEntityRef(props.entity).toLocaleLowerCase('en-US'),
  );
  if (!state) {
    return props.field === 'score' ? (
      <Typography variant="body2" color="textSecondary" noWrap>
        Not evaluated yet
      </Typography>
    ) : null;
  }
  if (props.field === 'score') return <>{Math.round(state.score)}</>;
  if (props.field === 'level') return <LevelChip level={state.level} />;
  return (
    <ToneChip
      tone={state.compliant ? 'success' : 'error'}
      variant="outlined"
      label={state.compliant ? 'Compliant' : 'Not compliant'}
    />
  );
}

const noWrap = { whiteSpace: 'nowrap' as const };
/** The short columns take the width of their content, leaving the rest to name and owner. */
const narrow = { ...noWrap, width: '1%' };

/**
 * The columns of the catalog's DataProduct list after the name: domain, status, score, level
 * and compliance (at the latest evaluation), none of them wrapping. For the catalog page's
 * `columns`, e.g. `CatalogIndexPage` of `@backstage/plugin-catalog/alpha`.
 * @public
 */
export function dataProductCatalogColumns<
  T extends { entity: Entity } = { entity: Entity },
>(): TableColumn<T>[] {
  return [
    {
      title: 'Domain',
      field: 'entity.spec.domain',
      cellStyle: noWrap,
      render: ({ entity }) =>
        typeof entity.spec?.domain === 'string' ? (
          <EntityRefLink
            entityRef={parseDataMeshRef(entity.spec.domain, 'domain', entity)}
            hideIcon
          />
        ) : null,
    },
    {
      title: 'Status',
      field: 'entity.spec.status',
      cellStyle: narrow,
      headerStyle: narrow,
      render: ({ entity }) => (
        <StatusChip
          status={
            typeof entity.spec?.status === 'string'
              ? entity.spec.status
              : undefined
          }
        />
      ),
    },
    {
      title: 'Score',
      sorting: false,
      cellStyle: narrow,
      headerStyle: narrow,
      render: ({ entity }) => (
        <ProductStateCell entity={entity} field="score" />
      ),
    },
    {
      title: 'Level',
      sorting: false,
      cellStyle: narrow,
      headerStyle: narrow,
      render: ({ entity }) => (
        <ProductStateCell entity={entity} field="level" />
      ),
    },
    {
      title: 'Compliance',
      sorting: false,
      cellStyle: narrow,
      headerStyle: narrow,
      render: ({ entity }) => (
        <ProductStateCell entity={entity} field="compliance" />
      ),
    },
  ];
}
