import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DataServer,
  openDataServer,
  OpenDataServerOptions,
  ServerConfig,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { stat } from 'fs/promises';

/** One opening of a configured server, and the queries running on it. */
interface Opening {
  server: Promise<DataServer>;
  /** For a DuckDB file: its modification time and size (and its WAL's) when opened. */
  fileVersion?: string;
  running: number;
  /** A newer opening replaced it; it closes when its last query ends. */
  replaced: boolean;
}

/** What identifies the contents of a DuckDB file: its and its WAL's modification time and size. */
async function fileVersion(path: string): Promise<string> {
  const parts = await Promise.all(
    [path, `${path}.wal`].map(file =>
      stat(file).then(
        s => `${s.mtimeMs}:${s.size}`,
        () => '-',
      ),
    ),
  );
  return parts.join('/');
}

/**
 * The data servers of `dataMesh.servers`, shared by every contract test run of this instance
 * (so each server's bound on concurrent queries holds across runs). Each is opened at its first
 * query, so a server that is down, or a DuckDB file not there yet, never stops the backend: it
 * fails the checks that need it, each with the reason, and is opened again at the next query.
 * A DuckDB file is opened read-only, and such a database never sees later writes: when its file
 * changed (a pipeline wrote new data), it is opened again, and the old opening closes once its
 * queries are done. All are closed on shutdown.
 */
export class DataServers {
  private readonly openings = new Map<string, Opening>();
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
    const openings = [...this.openings.values()];
    this.openings.clear();
    await Promise.all(openings.map(opening => this.closeOpening(opening)));
  }

  /** A server that opens the configured one when it is used. */
  private lazy(id: string, config: ServerConfig): DataServer {
    const use = async <T>(fn: (server: DataServer) => Promise<T>) => {
      const opening = await this.acquire(id, config);
      try {
        return await fn(await opening.server);
      } finally {
        opening.running--;
        if (opening.replaced && opening.running === 0) {
          await this.closeOpening(opening);
        }
      }
    };
    return {
      id,
      dialect: config.type,
      ...(config.type === 'duckdb' && config.dataDirectory
        ? { dataDirectory: config.dataDirectory }
        : {}),
      query: (sql, params, options) =>
        use(server => server.query(sql, params, options)),
      columns: (schema, table, options) =>
        use(server => server.columns(schema, table, options)),
      // Shared by every run: closed by the registry, on shutdown.
      close: async () => {},
    };
  }

  /**
   * The current opening of a server, counted as running one more query: opened now if it is
   * not, or if its DuckDB file changed.
   */
  private async acquire(id: string, config: ServerConfig): Promise<Opening> {
    if (this.closed) {
      throw new Error(
        `Data server ${id} is closed: the backend is shutting down`,
      );
    }
    const version =
      config.type === 'duckdb' && config.path
        ? await fileVersion(config.path)
        : undefined;
    const current = this.openings.get(id);
    if (current && current.fileVersion === version) {
      current.running++;
      return current;
    }
    if (current) {
      current.replaced = true;
      if (current.running === 0) void this.closeOpening(current);
    }
    const { logger, ...options } = this.options;
    const opening: Opening = {
      server: openDataServer(id, config, options),
      fileVersion: version,
      running: 1,
      replaced: false,
    };
    this.openings.set(id, opening);
    opening.server.catch(error => {
      // Opened again at the next query: the server may be back by then.
      if (this.openings.get(id) === opening) this.openings.delete(id);
      logger.warn(`Data server ${id} could not be opened: ${error}`);
    });
    return opening;
  }

  private async closeOpening(opening: Opening) {
    try {
      await (await opening.server).close();
    } catch (error) {
      // It never opened, or failed to close: nothing is left to release.
      this.options.logger.debug(`Closing a data server: ${error}`);
    }
  }
}
