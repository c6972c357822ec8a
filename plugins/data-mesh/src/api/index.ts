export { DataMeshClient, dataMeshApiRef } from './DataMeshClient';
export type {
  DataMeshApi,
  DataMeshEntityRef,
  ListWaiversQuery,
  WaiverDecision,
  ProductsSort,
  ProductsQuery,
} from './DataMeshClient';
