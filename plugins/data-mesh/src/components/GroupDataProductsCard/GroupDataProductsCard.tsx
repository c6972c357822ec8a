import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import { DATA_MESH_RELATIONS } from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { DataProductTable } from '../shared';

/**
 * The data products a team owns (those `ownedBy` the group), with their status, type and
 * domain.
 * @public
 */
export function GroupDataProductsCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const groupRef = stringifyEntityRef(entity);
  const { loading, value, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'DataProduct',
        [`relations.${DATA_MESH_RELATIONS.ownedBy}`]: groupRef,
      },
    });
    return items;
  }, [catalogApi, groupRef]);

  return (
    <DataProductTable
      title="Data products"
      columns={['status', 'type', 'domain']}
      products={value}
      loading={loading}
      error={error}
      emptyText="This team owns no data products yet"
    />
  );
}
