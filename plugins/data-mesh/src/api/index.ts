export { DataMeshClient, dataMeshApiRef } from './DataMeshClient';
export type { DataMeshApi, DataMeshEntityRef } from './DataMeshClient';
