export { DataMeshClient, dataMeshApiRef } from './DataMeshClient';
export type {
  AccessDecision,
  DataMeshApi,
  DataMeshEntityRef,
  ListAccessRequestsQuery,
  ListWaiversQuery,
  PortPreviewResponse,
  WaiverDecision,
  ProductsSort,
  ProductsQuery,
} from './DataMeshClient';
