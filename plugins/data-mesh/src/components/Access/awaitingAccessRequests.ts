import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogApi } from '@backstage/plugin-catalog-react';
import { AccessRequest } from '@datamesh-portal/plugin-data-mesh-common';
import { DataMeshApi } from '../../api';

/** Newest first, each once (a request can be found through several refs). */
export function newestFirst(requests: AccessRequest[]): AccessRequest[] {
  const byId = new Map(requests.map(request => [request.id, request]));
  return [...byId.values()].sort((a, b) =>
    b.requestedAt.localeCompare(a.requestedAt),
  );
}

/** The access requests awaiting a decision on the products the given groups own, newest first. */
export async function listAwaitingAccessRequests(
  catalogApi: CatalogApi,
  dataMeshApi: DataMeshApi,
  groupRefs: string[],
): Promise<AccessRequest[]> {
  if (groupRefs.length === 0) return [];
  const { items: products } = await catalogApi.getEntities({
    filter: { kind: 'DataProduct', 'relations.ownedBy': groupRefs },
    fields: ['kind', 'metadata.name', 'metadata.namespace'],
  });
  const pages = await Promise.all(
    products.map(product =>
      dataMeshApi.listAccessRequests({
        productRef: stringifyEntityRef(product),
        state: 'requested',
        limit: 100,
      }),
    ),
  );
  return newestFirst(pages.flatMap(page => page.items));
}
