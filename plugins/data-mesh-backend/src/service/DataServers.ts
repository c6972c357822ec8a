import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DataServer,
  openDataServer,
  OpenDataServerOptions,
  ServerConfig,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';

/**
 * The data servers of `dataMesh.servers`, shared by every contract test run of this instance:
 * each is opened on first use (so a server that is down, or a DuckDB file not there yet,
 * never stops the backend; it fails the checks that need it, each with the reason) and again
 * after a failed open; all are closed on shutdown.
 */
export class DataServers {
  private readonly opened = new Map<string, Promise<DataServer>>();
  private readonly servers: Map<string, DataServer>;
  private closed = false;

  constructor(
    configs: Map<string, ServerConfig>,
    private readonly options: OpenDataServerOptions & { logger: LoggerService },
  ) {
    this.servers = new Map(
      [...configs].map(([id, config]) => [id, this.lazy(id, config)]),
    );
  }

  /** The server with this id, undefined for an id that is not configured. */
  get(id: string): DataServer | undefined {
    return this.servers.get(id);
  }

  /** Closes every server opened; a run still going gets an error from its next query. */
  async close(): Promise<void> {
    this.closed = true;
    const opened = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(
      opened.map(async open => {
        try {
          await (await open).close();
        } catch (error) {
          // Never opened, or failed to close: nothing left to release here.
          this.options.logger.debug(`Closing a data server: ${error}`);
        }
      }),
    );
  }

  /** A server that opens the configured one at its first query. */
  private lazy(id: string, config: ServerConfig): DataServer {
    const open = () => this.open(id, config);
    return {
      id,
      dialect: config.type,
      ...(config.type === 'duckdb' && config.dataDirectory
        ? { dataDirectory: config.dataDirectory }
        : {}),
      query: async (sql, params, options) =>
        (await open()).query(sql, params, options),
      columns: async (schema, table, options) =>
        (await open()).columns(schema, table, options),
      // Shared by every run: closed by the registry, on shutdown.
      close: async () => {},
    };
  }

  private open(id: string, config: ServerConfig): Promise<DataServer> {
    if (this.closed) {
      return Promise.reject(
        new Error(`Data server ${id} is closed: the backend is shutting down`),
      );
    }
    let server = this.opened.get(id);
    if (!server) {
      const { logger, ...options } = this.options;
      server = openDataServer(id, config, options);
      this.opened.set(id, server);
      server.catch(error => {
        // Tried again at the next query: the server may be back by then.
        this.opened.delete(id);
        logger.warn(`Data server ${id} could not be opened: ${error}`);
      });
    }
    return server;
  }
}
