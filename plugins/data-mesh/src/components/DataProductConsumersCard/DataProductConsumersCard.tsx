import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  getEntityRelations,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { DATA_MESH_RELATIONS } from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { DataProductTable } from '../shared';

/**
 * The data products that read from this one (its `dependencyOf` relations), with their
 * status, owner and domain.
 * @public
 */
export function DataProductConsumersCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const consumerRefs = getEntityRelations(
    entity,
    DATA_MESH_RELATIONS.dependencyOf,
    { kind: 'DataProduct' },
  ).map(ref => stringifyEntityRef(ref));
  const { loading, value, error } = useAsync(async () => {
    if (consumerRefs.length === 0) return [];
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: consumerRefs,
    });
    return items.filter((item): item is Entity => Boolean(item));
  }, [catalogApi, consumerRefs.join(',')]);

  return (
    <DataProductTable
      title="Consumers"
      columns={['status', 'owner', 'domain']}
      products={value}
      loading={loading}
      error={error}
      emptyText="No data product consumes this one yet"
    />
  );
}
