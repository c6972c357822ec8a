export { dataProductCatalogColumns } from './dataProductCatalogColumns';
