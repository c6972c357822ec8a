export { DataMeshClient, dataMeshApiRef } from './DataMeshClient';
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
} from './DataMeshClient';
