export { DataMeshEntitiesProcessor } from './DataMeshEntitiesProcessor';
