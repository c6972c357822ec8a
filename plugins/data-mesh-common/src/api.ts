/** Response of `GET /api/data-mesh/health`. @public */
export interface DataMeshHealthResponse {
  status: 'ok';
  /** Whether the plugin's database answered. */
  database: 'ok';
}
