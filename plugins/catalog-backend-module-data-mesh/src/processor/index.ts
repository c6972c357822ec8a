export { DataMeshEntitiesProcessor } from './DataMeshEntitiesProcessor';
export { ContractResolver } from './ContractResolver';
