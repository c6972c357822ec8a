import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { ServerConfig } from './types';

const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Reads a field through `read`, turning the config reader's error into one naming the key. */
function field<T>(key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (String((error as Error).message).startsWith('Invalid config ')) {
      throw error;
    }
    throw new InputError(`Invalid config ${key}: ${(error as Error).message}`);
  }
}

function positiveInteger(key: string, value: number | undefined, max: number) {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `Invalid config ${key}: must be a whole number from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

/** A duration in milliseconds: a number of milliseconds, an ISO duration or a HumanDuration. */
function readTimeout(server: Config, key: string): number | undefined {
  if (!server.has('statementTimeout')) return undefined;
  const raw = server.getOptional('statementTimeout');
  const ms =
    typeof raw === 'number'
      ? raw
      : field(key, () =>
          durationToMilliseconds(
            readDurationFromConfig(server, { key: 'statementTimeout' }),
          ),
        );
  return positiveInteger(key, ms, 24 * 60 * 60 * 1000);
}

function requiredString(server: Config, prefix: string, name: string) {
  const key = `${prefix}.${name}`;
  const value = field(key, () => server.getOptionalString(name));
  if (!value) {
    throw new InputError(`Invalid config ${key}: missing, it must be set`);
  }
  return value;
}

function readServer(server: Config, prefix: string): ServerConfig {
  const type = field(`${prefix}.type`, () => server.getOptionalString('type'));
  const statementTimeout = readTimeout(server, `${prefix}.statementTimeout`);
  if (type === 'postgres' || type === 'postgresql') {
    return {
      type: 'postgres',
      host: requiredString(server, prefix, 'host'),
      port:
        positiveInteger(
          `${prefix}.port`,
          field(`${prefix}.port`, () => server.getOptionalNumber('port')),
          65535,
        ) ?? 5432,
      database: requiredString(server, prefix, 'database'),
      user: requiredString(server, prefix, 'user'),
      password: field(`${prefix}.password`, () =>
        server.getOptionalString('password'),
      ),
      maxConnections: positiveInteger(
        `${prefix}.maxConnections`,
        field(`${prefix}.maxConnections`, () =>
          server.getOptionalNumber('maxConnections'),
        ),
        100,
      ),
      statementTimeout,
    };
  }
  if (type === 'duckdb') {
    const path = field(`${prefix}.path`, () =>
      server.getOptionalString('path'),
    );
    const dataDirectory = field(`${prefix}.dataDirectory`, () =>
      server.getOptionalString('dataDirectory'),
    );
    if (!path && !dataDirectory) {
      throw new InputError(
        `Invalid config ${prefix}: a duckdb server needs a database file (path) or a folder of files (dataDirectory)`,
      );
    }
    return { type: 'duckdb', path, dataDirectory, statementTimeout };
  }
  throw new InputError(
    `Invalid config ${prefix}.type: must be postgres or duckdb, got ${
      type === undefined ? 'nothing' : JSON.stringify(type)
    }`,
  );
}

/**
 * Reads the data servers of `dataMesh.servers` from the root config: none when the block is
 * absent. Throws an `InputError` naming `dataMesh.servers.<id>.<field>` for bad config.
 * @public
 */
export function readServersConfig(config: Config): Map<string, ServerConfig> {
  const servers = new Map<string, ServerConfig>();
  const block = field('dataMesh.servers', () =>
    config.getOptionalConfig('dataMesh.servers'),
  );
  if (!block) return servers;
  for (const id of block.keys()) {
    const prefix = `dataMesh.servers.${id}`;
    if (!SERVER_ID.test(id)) {
      throw new InputError(
        `Invalid config ${prefix}: a server id is 1 to 63 letters, digits, '.', '_' or '-'`,
      );
    }
    servers.set(
      id,
      readServer(
        field(prefix, () => block.getConfig(id)),
        prefix,
      ),
    );
  }
  return servers;
}
