import {
  listOf,
  OdcsContract,
  OdcsServer,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  chooseContractServer,
  DataServer,
  openDataServer,
  readServersConfig,
  ServerConfig,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import path from 'node:path';
import { loadConfig } from '../config';
import { CheckInputError, errorLines, errorMessage } from '../errors';
import { readContractFile } from '../files';
import { TestedContract } from './format';

/** Options of {@link runContractTests}. @public */
export interface RunContractTestsOptions {
  /** ODCS contract files (YAML or JSON). */
  files: string[];
  /** app-config files whose `dataMesh.servers` say where the data is (later ones override). */
  configFiles: string[];
  /**
   * Which of each contract's `servers[].server` to test on; default the first that
   * `dataMesh.servers` configures (of the dialect its type needs).
   */
  server?: string;
  /** The directory relative paths are resolved against; default the process's. */
  cwd?: string;
  /** Environment for `${VAR}` substitution in config files; default the process's. */
  env?: Record<string, string | undefined>;
  /** The time freshness and retention are measured against; default now. */
  now?: Date;
  /** Stops the running queries and the remaining checks. */
  signal?: AbortSignal;
}

interface LoadedContract {
  file: string;
  contract: OdcsContract;
  /** The `servers[].server` tested on. */
  server: string;
}

/** The contract's server ids (`servers[].server`), in order. */
function contractServers(contract: OdcsContract): string[] {
  return listOf<OdcsServer>(contract.servers)
    .map(server => server.server)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * The server a contract is tested on: the one asked for, which the contract must name, or the
 * first of its servers that the config has (as the portal's backend chooses); it must be
 * configured. Returns the problem otherwise.
 */
function chooseServer(
  file: string,
  contract: OdcsContract,
  configured: Map<string, ServerConfig>,
  asked: string | undefined,
): { server: string } | { problem: string } {
  const named = contractServers(contract);
  if (asked !== undefined && !named.includes(asked)) {
    return {
      problem: `${file}: --server ${JSON.stringify(
        asked,
      )}: the contract has no such server (${
        named.length ? `its servers: ${named.join(', ')}` : 'it names none'
      })`,
    };
  }
  const server =
    asked ??
    chooseContractServer(
      listOf<OdcsServer>(contract.servers),
      id => configured.get(id)?.type,
    );
  if (server === undefined) {
    return {
      problem: `${file}: servers: the contract names no server to test on; add one whose server is an id of dataMesh.servers`,
    };
  }
  if (!configured.has(server)) {
    const known = [...configured.keys()];
    return {
      problem: `${file}: server ${JSON.stringify(
        server,
      )} is not in dataMesh.servers of the config (${
        known.length ? `configured: ${known.join(', ')}` : 'none is configured'
      })`,
    };
  }
  return { server };
}

/** A server's connection as the user may see it: no password. */
function describeServer(id: string, config: ServerConfig): string {
  if (config.type === 'postgres') {
    return `server ${id} (postgres ${config.host}:${config.port}/${config.database} as ${config.user})`;
  }
  return `server ${id} (duckdb ${config.path ?? config.dataDirectory})`;
}

/** Relative DuckDB paths are read from `cwd`, as the other paths given to the command. */
function resolvePaths(config: ServerConfig, cwd: string): ServerConfig {
  if (config.type !== 'duckdb') return config;
  return {
    ...config,
    path: config.path && path.resolve(cwd, config.path),
    dataDirectory:
      config.dataDirectory && path.resolve(cwd, config.dataDirectory),
  };
}

/**
 * Opens the servers the contracts are tested on and checks each answers, so an unreachable
 * server is bad input rather than a column of failed checks. Closes what it opened on failure.
 */
async function openServers(
  ids: string[],
  configured: Map<string, ServerConfig>,
  cwd: string,
): Promise<Map<string, DataServer>> {
  const opened = new Map<string, DataServer>();
  const problems: string[] = [];
  for (const id of ids) {
    const config = resolvePaths(configured.get(id)!, cwd);
    try {
      const server = await openDataServer(id, config);
      opened.set(id, server);
      await server.query('SELECT 1 AS reachable', []);
    } catch (error) {
      // The engine's messages name the server; others get its connection (no password).
      const message = errorMessage(error);
      problems.push(
        message.includes(`server ${id}`)
          ? message
          : `${describeServer(id, config)}: cannot reach it: ${message}`,
      );
    }
  }
  if (problems.length) {
    await closeAll(opened);
    throw new CheckInputError(problems);
  }
  return opened;
}

async function closeAll(servers: Map<string, DataServer>): Promise<void> {
  await Promise.allSettled([...servers.values()].map(s => s.close()));
}

/**
 * Tests ODCS contracts against their data with the portal's engine
 * (`@datamesh-portal/plugin-data-mesh-contract-tests`): every contract is read and validated,
 * its server chosen and reached first, so bad input stops the run before any query. Throws a
 * {@link CheckInputError} naming each file, field or server that is wrong.
 * @public
 */
export async function runContractTests(
  options: RunContractTestsOptions,
): Promise<TestedContract[]> {
  const cwd = options.cwd ?? process.cwd();
  if (options.configFiles.length === 0) {
    throw new CheckInputError([
      '--config: name the app-config file whose dataMesh.servers say where the data is',
    ]);
  }
  if (options.files.length === 0) {
    throw new CheckInputError([
      'no contract given: name the ODCS contract files to test (see data-mesh-check --help)',
    ]);
  }
  const config = await loadConfig(options.configFiles, {
    cwd,
    env: options.env,
  });
  let configured: Map<string, ServerConfig>;
  try {
    configured = readServersConfig(config);
  } catch (error) {
    throw new CheckInputError(
      errorLines(error, options.configFiles.join(', ')),
    );
  }

  const problems: string[] = [];
  const contracts: LoadedContract[] = [];
  for (const file of options.files) {
    try {
      const contract = await readContractFile(file, cwd);
      const choice = chooseServer(file, contract, configured, options.server);
      if ('problem' in choice) problems.push(choice.problem);
      else contracts.push({ file, contract, server: choice.server });
    } catch (error) {
      if (!(error instanceof CheckInputError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length) throw new CheckInputError(problems);

  const servers = await openServers(
    [...new Set(contracts.map(c => c.server))],
    configured,
    cwd,
  );
  try {
    const results: TestedContract[] = [];
    for (const { file, contract, server } of contracts) {
      const result = await testContract(contract, {
        servers,
        server,
        now: options.now,
        signal: options.signal,
      });
      results.push({ file, result });
    }
    return results;
  } finally {
    await closeAll(servers);
  }
}
