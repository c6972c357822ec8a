import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import path from 'node:path';
import { readExampleContracts } from './contracts';
import { readDuckdbStamp, writeDuckdb } from './duckdb';
import { generateExampleData } from './generate';
import {
  ensurePostgresRoles,
  PostgresTarget,
  readPostgresStamp,
  writePostgres,
} from './postgres';
import { ExampleDataStamp, isCurrent, stampHash } from './stamp';
import { readExampleTeamRoles } from './teamRoles';

/** Where the example data is written, by a connection of its own that may write. */
export type ExampleDataTarget =
  | { type: 'duckdb'; path: string }
  | ({ type: 'postgres' } & PostgresTarget);

/** The example data settings of `dataMeshPortal.exampleData`. */
export interface ExampleDataSettings {
  target: ExampleDataTarget;
  /** The examples folder: `<organisation>/contracts/*.odcs.yaml` below it. */
  examplesDirectory: string;
  seed: number;
  /** How often the data is built anew, so that fresh tables stay fresh; also its longest age. */
  refreshMs: number;
}

export const DEFAULT_SEED = 20_240_601;
const DEFAULT_REFRESH_MS = 10 * 60 * 1000;

function required(config: Config, key: string): string {
  const value = config.getOptionalString(key);
  if (!value) {
    throw new InputError(
      `Invalid config dataMeshPortal.exampleData.${key}: missing, it must be set`,
    );
  }
  return value;
}

function readTarget(config: Config): ExampleDataTarget {
  const type = config.getOptionalString('type');
  if (type === 'duckdb')
    return { type, path: path.resolve(required(config, 'path')) };
  if (type === 'postgres') {
    return {
      type,
      host: required(config, 'host'),
      port: config.getOptionalNumber('port') ?? 5432,
      user: required(config, 'user'),
      password: config.getOptionalString('password'),
      database: required(config, 'database'),
    };
  }
  throw new InputError(
    `Invalid config dataMeshPortal.exampleData.target.type: must be duckdb or postgres, got ${JSON.stringify(
      type ?? null,
    )}`,
  );
}

/** Reads `dataMeshPortal.exampleData`; undefined when the portal builds no example data. */
export function readExampleDataSettings(
  config: Config,
): ExampleDataSettings | undefined {
  const block = config.getOptionalConfig('dataMeshPortal.exampleData');
  if (!block) return undefined;
  const target = block.getConfig('target');
  return {
    target: readTarget(target),
    examplesDirectory: path.resolve(
      block.getOptionalString('examplesDirectory') ?? '../../examples',
    ),
    seed: block.getOptionalNumber('seed') ?? DEFAULT_SEED,
    refreshMs: block.has('refresh')
      ? durationToMilliseconds(
          readDurationFromConfig(block, { key: 'refresh' }),
        )
      : DEFAULT_REFRESH_MS,
  };
}

export interface BuildResult {
  /** False when the existing data was current and left as it was. */
  built: boolean;
  tables: number;
  rows: number;
  /** Milliseconds the build took. */
  durationMs: number;
}

/** The stamp of the example data at the target, if any. */
export function readStamp(
  target: ExampleDataTarget,
): Promise<ExampleDataStamp | undefined> {
  return target.type === 'duckdb'
    ? readDuckdbStamp(target.path)
    : readPostgresStamp(target);
}

/**
 * Builds the example data at the target unless it is current (same generator, contracts,
 * defects and seed, and younger than the refresh interval), or always with `force`.
 */
export async function buildExampleData(
  settings: ExampleDataSettings,
  options: { now: Date; force?: boolean; logger?: LoggerService },
): Promise<BuildResult> {
  const started = process.hrtime.bigint();
  const { now, force = false, logger } = options;
  const { target, seed, refreshMs } = settings;
  const contracts = await readExampleContracts(settings.examplesDirectory);
  const hash = stampHash(contracts.hash, seed);
  const current = (stamp: ExampleDataStamp | undefined) =>
    !force && isCurrent(stamp, hash, now, refreshMs);
  const stamp: ExampleDataStamp = { hash, now: now.toISOString() };
  let generated: ReturnType<typeof generateExampleData> = [];
  const generate = () =>
    (generated = generateExampleData(contracts.tables, { seed, now }));

  let built: boolean;
  if (target.type === 'duckdb') {
    built = !current(await readDuckdbStamp(target.path));
    if (built) await writeDuckdb(target.path, generate(), stamp);
  } else {
    await ensurePostgresRoles(
      target,
      await readExampleTeamRoles(settings.examplesDirectory),
    );
    built = await writePostgres(target, generate, stamp, current);
  }
  const result = {
    built,
    tables: generated.length,
    rows: generated.reduce((sum, t) => sum + t.rows.length, 0),
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
  if (built) {
    const where =
      target.type === 'duckdb'
        ? target.path
        : `PostgreSQL database ${target.database}`;
    logger?.info(
      `Example data: ${result.rows} rows in ${result.tables} tables of ${
        contracts.contracts.length
      } contracts written to ${where} in ${Math.round(result.durationMs)} ms`,
    );
  }
  return result;
}
