import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';

/** Refs (lowercase) of the data products the caller may read in the catalog. */
export async function readableProductRefs(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'DataProduct' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  return items.map(e => entityRefKey(e));
}
