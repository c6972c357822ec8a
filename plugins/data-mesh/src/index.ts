/**
 * Data mesh frontend: data product entity cards and pages, and the scaffolder field with the
 * live governance verdict of a new data product. The new frontend system plugin is
 * the default export of `@datamesh-portal/plugin-data-mesh/alpha`; this entry point holds the
 * legacy-system exports.
 *
 * @packageDocumentation
 */
export {
  dataMeshPlugin,
  EntityDataProductOverviewCard,
  EntityDataProductPortsCard,
  EntityDataProductLineageCard,
  EntityDataProductConsumersCard,
  EntityOdcsContractContent,
  EntityDomainDataProductsCard,
  EntityGroupDataProductsCard,
  EntityDataProductScorecardCard,
  EntityDataProductScoreHistoryCard,
  EntityDataProductContractTestsContent,
  EntityDataProductAccessContent,
  EntityDataProductQualitySummaryCard,
  EntityDataProductSchemaContent,
  EntityDataProductQualityContent,
  EntityDataProductLineageContent,
  EntityDataProductGovernanceContent,
  EntityDomainScorecardCard,
  EntityGroupScorecardCard,
  EntityDataProductGovernanceCard,
  EntityDomainGovernanceCard,
  GovernanceDashboardPage,
  DataMeshHomePage,
  DataProductVerdictFieldExtension,
  DataProductSearchResultListItem,
} from './plugin';
export type { DataProductSearchResultListItemProps } from './components/DataProductSearchResultListItem';
export { governanceRouteRef, homeRouteRef } from './routes';
export {
  ContractChanges,
  ContractChangesContent,
} from './components/ContractChanges';
export { DataMeshClient, dataMeshApiRef } from './api';
export type {
  AccessDecision,
  ContractVersionDiffResponse,
  ContractVersionsResponse,
  DataMeshApi,
  DataMeshEntityRef,
  ListAccessRequestsQuery,
  ListWaiversQuery,
  PortPreviewResponse,
  WaiverDecision,
  ProductsSort,
  ProductsQuery,
} from './api';
export {
  DATA_PRODUCT_VERDICT_FIELD_NAME,
  DataProductVerdictField,
  DataProductVerdictFieldSchema,
} from './components/DataProductVerdictField';
export type { DataProductVerdictFieldProps } from './components/DataProductVerdictField';
export {
  OUTPUT_PORT_TABLES_FIELD_NAME,
  OutputPortTablesField,
  OutputPortTablesFieldSchema,
  portContractsFromForm,
} from './components/OutputPortTablesField';
export type { OutputPortTablesFieldProps } from './components/OutputPortTablesField';
export {
  DataProductRetirement,
  EntityDataProductRetirement,
} from './components/DataProductRetirement';
export {
  OdcsContractView,
  odcsApiDefinitionWidget,
} from './components/OdcsContract';
export { dataProductCatalogColumns } from './components/CatalogColumns';
export {
  DecisionsAwaitingMe,
  MeshHealth,
  MyTeamsDataProducts,
} from './components/HomeWidgets';
