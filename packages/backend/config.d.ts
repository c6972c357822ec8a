import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Settings of the example portal itself (not of the data mesh plugins). */
  dataMeshPortal?: {
    /**
     * Users and groups (entity refs, e.g. group:default/data-governance-council) who decide
     * waivers and see draft policies. Members of a listed group qualify through their
     * ownership claims.
     */
    governanceAdmins?: string[];
    /**
     * The example data: tables for every example output port, generated from the example
     * contracts (with deliberate defects) on start when missing or out of date, and anew
     * every `refresh`. Without this block the portal generates none.
     */
    exampleData?: {
      /** The examples folder (`<organisation>/contracts/*.odcs.yaml`); default ../../examples. */
      examplesDirectory?: string;
      /** Where the data is written, by a connection that may write (the portal's servers read). */
      target:
        | { type: 'duckdb'; path: string }
        | {
            type: 'postgres';
            host: string;
            port?: number;
            user: string;
            /** @visibility secret */
            password?: string;
            /** Created when missing; its example schemas are replaced on each build. */
            database: string;
          };
      /** Seeds every random choice; the same seed and reference time give the same data. */
      seed?: number;
      /** How often the data is built anew, keeping fresh tables fresh; default 10 minutes. */
      refresh?: HumanDuration | string;
    };
  };
}
