import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DataMeshDomainEntityV1alpha1,
  DATA_MESH_RELATIONS,
} from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { DataProductTable } from '../shared';

function DataSteward(props: { domain: DataMeshDomainEntityV1alpha1 }) {
  const { dataSteward } = props.domain.spec ?? {};
  if (!dataSteward) return null;
  return (
    <>
      Data steward:{' '}
      <EntityRefLink
        entityRef={parseEntityRef(dataSteward, {
          defaultKind: 'User',
          defaultNamespace: props.domain.metadata.namespace ?? 'default',
        })}
      />
    </>
  );
}

/**
 * The data products of a domain (those `partOf` it), and the domain's data steward when it has
 * one. Works for the built-in Domain kind and the data mesh one.
 * @public
 */
export function DomainDataProductsCard() {
  const { entity } = useEntity<DataMeshDomainEntityV1alpha1>();
  const catalogApi = useApi(catalogApiRef);
  const domainRef = stringifyEntityRef(entity);
  const { loading, value, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'DataProduct',
        [`relations.${DATA_MESH_RELATIONS.partOf}`]: domainRef,
      },
    });
    return items;
  }, [catalogApi, domainRef]);

  return (
    <DataProductTable
      title="Data products"
      subheader={
        entity.spec?.dataSteward ? <DataSteward domain={entity} /> : undefined
      }
      columns={['status', 'type', 'owner']}
      products={value}
      loading={loading}
      error={error}
      emptyText="This domain has no data products yet"
    />
  );
}
