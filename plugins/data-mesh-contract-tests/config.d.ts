import { HumanDuration } from '@backstage/types';

export interface Config {
  dataMesh?: {
    /**
     * The data servers contracts are tested against, by id. A contract's `servers[].server`
     * names one of these ids; host, credentials and limits come from here only, never from a
     * contract.
     */
    servers?: {
      [id: string]:
        | {
            type: 'postgres';
            host: string;
            port?: number;
            database: string;
            user: string;
            /** @visibility secret */
            password?: string;
            /** Connections the pool opens at most; default 4. */
            maxConnections?: number;
            /** How long one query may run: milliseconds or a duration; default 30 seconds. */
            statementTimeout?: number | string | HumanDuration;
          }
        | {
            type: 'duckdb';
            /** A DuckDB database file, opened read-only. Without it, an empty in-memory database. */
            path?: string;
            /**
             * The folder whose Parquet and CSV files contracts with a `local` server may read;
             * a contract's path is resolved inside it and may not leave it.
             */
            dataDirectory?: string;
            /** How long one query may run: milliseconds or a duration; default 30 seconds. */
            statementTimeout?: number | string | HumanDuration;
          };
    };
  };
}
