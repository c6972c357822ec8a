import {
  CompoundEntityRef,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  ODCS_ID_ANNOTATION,
} from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';

/** What a contract id names in the catalog: the API holding it and the product serving it. */
export type ResolvedContract = {
  api: CompoundEntityRef;
  provider?: CompoundEntityRef;
};

const REF_FIELDS = ['kind', 'metadata.name', 'metadata.namespace'];

/**
 * Resolves the ports that name their contract only by ODCS id (as ODPS documents do), the way
 * the catalog resolves them into relations: the API whose contract has that id, and the data
 * product that provides that API.
 */
export function usePortContracts(product: DataProductEntityV1alpha1) {
  const catalogApi = useApi(catalogApiRef);
  const ports = [
    ...(product.spec.inputPorts ?? []),
    ...(product.spec.outputPorts ?? []),
  ];
  const ids = [
    ...new Set(
      ports.flatMap(p => (p.contractId && !p.contract ? [p.contractId] : [])),
    ),
  ].sort();

  return useAsync(async () => {
    const resolved = new Map<string, ResolvedContract>();
    if (ids.length === 0) return resolved;
    const { items: apis } = await catalogApi.getEntities({
      filter: {
        kind: 'API',
        [`metadata.annotations.${ODCS_ID_ANNOTATION}`]: ids,
      },
      fields: [...REF_FIELDS, `metadata.annotations`],
    });
    const apiRefs = apis.map(api => stringifyEntityRef(api));
    const { items: providers } = apiRefs.length
      ? await catalogApi.getEntities({
          filter: { kind: 'DataProduct', 'relations.providesApi': apiRefs },
          fields: [...REF_FIELDS, 'relations'],
        })
      : { items: [] };
    for (const api of apis) {
      const apiRef = stringifyEntityRef(api);
      const provider = providers.find(p =>
        p.relations?.some(
          r => r.type === 'providesApi' && r.targetRef === apiRef,
        ),
      );
      resolved.set(api.metadata.annotations![ODCS_ID_ANNOTATION], {
        api: getCompoundEntityRef(api),
        provider: provider && getCompoundEntityRef(provider),
      });
    }
    return resolved;
  }, [catalogApi, ids.join(',')]);
}
