import { DataServer, OpenDataServerOptions, ServerConfig } from './types';

/**
 * Opens a configured data server: a pool of read-only PostgreSQL connections, or a DuckDB
 * database opened read-only without access to anything outside its file and data folder.
 * Close it when done.
 * @public
 */
export async function openDataServer(
  id: string,
  config: ServerConfig,
  options: OpenDataServerOptions = {},
): Promise<DataServer> {
  throw new Error(`not implemented yet: ${id} ${config.type} ${options}`);
}
