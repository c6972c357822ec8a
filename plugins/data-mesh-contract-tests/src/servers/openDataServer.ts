import { DuckDbServer } from './duckdbServer';
import { PostgresServer } from './postgresServer';
import {
  DataServer,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  OpenDataServerOptions,
  ServerConfig,
} from './types';

/**
 * Opens a configured data server: a pool of read-only PostgreSQL connections, or a DuckDB
 * database opened read-only without access to anything outside its file and data folder.
 * Open each server once and share it; close it when done.
 * @public
 */
export async function openDataServer(
  id: string,
  config: ServerConfig,
  options: OpenDataServerOptions = {},
): Promise<DataServer> {
  const statementTimeoutMs =
    options.statementTimeoutMs ??
    config.statementTimeout ??
    DEFAULT_STATEMENT_TIMEOUT_MS;
  if (config.type === 'postgres') {
    return new PostgresServer(
      id,
      {
        host: config.host,
        port: config.port,
        database: config.database,
        user: config.user,
        password: config.password,
      },
      statementTimeoutMs,
      options.maxConcurrentQueries ?? config.maxConnections ?? 4,
    );
  }
  return DuckDbServer.open(id, {
    path: config.path,
    dataDirectory: config.dataDirectory,
    statementTimeoutMs,
    maxConcurrentQueries: options.maxConcurrentQueries ?? 4,
  });
}
