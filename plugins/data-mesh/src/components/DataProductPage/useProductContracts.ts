import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { usePortContracts } from '../DataProductPortsCard/usePortContracts';

/** An output port with the API entity holding its contract, when the catalog has it. */
export interface PortContract {
  port: string;
  /** The contract's entity ref, or the ODCS id where the catalog knows no API with it. */
  contractRef?: string;
  contractId?: string;
  api?: Entity;
}

const API_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.definition',
];

/**
 * The contracts of a product's output ports, each with its API entity (definition included):
 * ports naming an API entity, and ports naming an ODCS id, resolved the way the catalog
 * resolves them. Ports without a contract are left out. The value is undefined until the ODCS
 * ids are resolved.
 */
export function useProductContracts(product: DataProductEntityV1alpha1) {
  const catalogApi = useApi(catalogApiRef);
  const resolved = usePortContracts(product);
  const ports = (product.spec.outputPorts ?? []).map(port => {
    let ref: CompoundEntityRef | undefined;
    if (port.contract) {
      ref = parseDataMeshRef(port.contract, 'contract', product);
    } else if (port.contractId) {
      ref = resolved.value?.get(port.contractId)?.api;
    }
    return {
      port: port.name,
      contractRef: ref && stringifyEntityRef(ref),
      contractId: port.contractId,
    };
  });
  const refs = ports.flatMap(p => (p.contractRef ? [p.contractRef] : []));
  const key = refs.join(',');
  return useAsync(async (): Promise<PortContract[] | undefined> => {
    if (resolved.loading) return undefined;
    const unique = [...new Set(refs)];
    const { items } = unique.length
      ? await catalogApi.getEntitiesByRefs({
          entityRefs: unique,
          fields: API_FIELDS,
        })
      : { items: [] };
    const apis = new Map(
      unique.map((ref, index) => [ref, items[index] ?? undefined]),
    );
    return ports
      .filter(p => p.contractRef || p.contractId)
      .map(p => ({
        ...p,
        api: p.contractRef ? apis.get(p.contractRef) : undefined,
      }));
  }, [catalogApi, key, resolved.loading]);
}
