import {
  CatalogIndexPage,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog/alpha';
import { CatalogTable } from '@backstage/plugin-catalog';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { dataProductCatalogColumns } from '@datamesh-portal/plugin-data-mesh';

/**
 * The catalog's columns: DataProducts by name (never wrapped), domain, status, score, level,
 * compliance and owner (never wrapped either); every other kind as Backstage lists it.
 */
export const catalogColumns: CatalogTableColumnsFunc = context => {
  const kind =
    context.entities[0]?.kind?.toLocaleLowerCase('en-US') ??
    context.filters.kind?.value?.toLocaleLowerCase('en-US');
  if (kind !== 'dataproduct') {
    return CatalogTable.defaultColumnsFunc(context);
  }
  return [
    CatalogTable.columns.createTitleColumn({ hidden: true }),
    {
      ...CatalogTable.columns.createNameColumn({ defaultKind: 'DataProduct' }),
      cellStyle: { whiteSpace: 'nowrap' },
    },
    ...dataProductCatalogColumns<CatalogTableRow>(),
    {
      ...CatalogTable.columns.createOwnerColumn(),
      cellStyle: { whiteSpace: 'nowrap' },
    },
  ];
};

/**
 * The catalog page at /catalog with the columns above. The catalog plugin's page takes no
 * columns from extensions, so its loader is replaced, keeping its filters and pagination.
 */
export const catalogPageWithColumns = catalogPlugin
  .getExtension('page:catalog')
  .override({
    factory(originalFactory, { inputs, config }) {
      return originalFactory({
        params: {
          loader: async () => (
            <CatalogIndexPage
              filters={
                <>
                  {inputs.filters.map(filter =>
                    filter.get(coreExtensionData.reactElement),
                  )}
                </>
              }
              pagination={config.pagination}
              columns={catalogColumns}
            />
          ),
        },
      });
    },
  });
