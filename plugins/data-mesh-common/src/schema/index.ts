/*
 * The data mesh API's one client and its types, generated from the backend's OpenAPI spec
 * (plugins/data-mesh-backend/src/schema/openapi.yaml) by scripts/generate-openapi.js.
 */
export { DataMeshApiClient } from './openapi/generated';
export type {
  DataMeshApiClientOptions,
  RequestOptions as DataMeshApiRequestOptions,
  components as DataMeshApiComponents,
  operations as DataMeshApiOperations,
  paths as DataMeshApiPaths,
} from './openapi/generated';
