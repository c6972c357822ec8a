/*
 * The data behind the scale benchmark's contracts, and the report of its scheduled contract-test
 * run (issue 16, "a scheduled run over the 10,000 products of the scale benchmark"): one table
 * per product that has a contract, in a DuckDB file or a PostgreSQL database, and the figures
 * written under "Contract tests" in docs/benchmarks.md.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import {
  DATA_DATABASE,
  DATA_SERVER_IDS,
  DOMAINS,
  dataSchema,
  hasContract,
  PRODUCTS,
} from './fixtures';

export type DataServerKind = keyof typeof DATA_SERVER_IDS;

/** Rows of each product's table. */
export const TABLE_ROWS = Number(process.env.BENCH_TABLE_ROWS ?? 1000);
/** Tables created per statement batch: one round trip each. */
const BATCH = 200;

/** Products whose table breaks its contract: a NULL amount, or data ten days old. */
export const hasNullAmount = (i: number) => i % 13 === 0;
export const isStale = (i: number) => i % 17 === 0;

export interface BenchDataServer {
  kind: DataServerKind;
  tables: number;
  generateSeconds: number;
  close(): Promise<void>;
}

/** `TIMESTAMP '...'` of a JS date, in UTC without a zone (both engines read it alike). */
function timestamp(date: Date): string {
  return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** The statement creating product i's table from a series `n` (0 .. TABLE_ROWS - 1). */
function createTable(i: number, series: string, now: Date): string {
  const newest = isStale(i) ? new Date(now.getTime() - 10 * 86_400_000) : now;
  return `CREATE TABLE ${dataSchema(
    i,
  )}.product_${i} AS SELECT 'p${i}-' || n AS id, CAST(CASE WHEN n = 0 AND ${hasNullAmount(
    i,
  )} THEN NULL ELSE n * 1.5 END AS DOUBLE PRECISION) AS amount, ${timestamp(
    newest,
  )} - n * INTERVAL '1 minute' AS updated_at FROM ${series}`;
}

function statements(series: string): string[][] {
  const now = new Date();
  const all = Array.from({ length: DOMAINS }, (_, d) => [
    `CREATE SCHEMA ${dataSchema(d)}`,
  ]).flat();
  for (let i = 0; i < PRODUCTS; i++) {
    if (hasContract(i)) all.push(createTable(i, series, now));
  }
  const batches: string[][] = [];
  for (let b = 0; b < all.length; b += BATCH) {
    batches.push(all.slice(b, b + BATCH));
  }
  return batches;
}

const tableCount = () =>
  Array.from({ length: PRODUCTS }, (_, i) => i).filter(hasContract).length;

function progress(message: string) {
  process.stderr.write(`[contract data] ${message}\n`);
}

let duckdbDirectory: string | undefined;
/** The DuckDB file of this run, in a temporary folder (created on first use, empty). */
function duckdbFile(): string {
  duckdbDirectory ??= fs.mkdtempSync(path.join(os.tmpdir(), 'bench-data-'));
  return path.join(duckdbDirectory, 'bench-data.duckdb');
}

/** The PostgreSQL database of this run's tables, on the server the tests use. */
function postgresTarget(): URL {
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!url) throw new Error('A postgres data server needs PostgreSQL');
  const target = new URL(url);
  target.pathname = `/${DATA_DATABASE}`;
  return target;
}

/**
 * `dataMesh.servers` for a data server of this kind, as app-config has it. Nothing is generated:
 * a backend only connects when a contract is tested, so runs that leave the scheduled run out
 * (a 50,000-product run, say) do not pay for its tables.
 */
export function benchDataServerConfig(
  kind: DataServerKind,
): Record<string, object> {
  if (kind === 'duckdb') {
    return { [DATA_SERVER_IDS.duckdb]: { type: 'duckdb', path: duckdbFile() } };
  }
  const target = postgresTarget();
  return {
    [DATA_SERVER_IDS.postgres]: {
      type: 'postgres',
      host: target.hostname,
      port: Number(target.port || 5432),
      database: DATA_DATABASE,
      user: decodeURIComponent(target.username) || 'postgres',
      ...(target.password
        ? { password: decodeURIComponent(target.password) }
        : {}),
    },
  };
}

/** The DuckDB file of benchDataServerConfig, holding every product's table. */
async function duckdbServer(): Promise<BenchDataServer> {
  const start = performance.now();
  const file = duckdbFile();
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    for (const batch of statements(`range(${TABLE_ROWS}) AS s(n)`)) {
      await connection.run(batch.join(';\n'));
    }
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const generateSeconds = (performance.now() - start) / 1000;
  progress(
    `duckdb: ${tableCount()} tables of ${TABLE_ROWS} rows in ${generateSeconds.toFixed(
      1,
    )} s, ${(fs.statSync(file).size / 1024 ** 2).toFixed(0)} MB`,
  );
  return {
    kind: 'duckdb',
    tables: tableCount(),
    generateSeconds,
    close: async () =>
      fs.rmSync(path.dirname(file), { recursive: true, force: true }),
  };
}

/** A database of the PostgreSQL server the tests use, holding every product's table. */
async function postgresServer(): Promise<BenchDataServer> {
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!;
  const target = postgresTarget();
  const start = performance.now();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATA_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATA_DATABASE}`);
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    for (const batch of statements(
      `generate_series(0, ${TABLE_ROWS - 1}) AS s(n)`,
    )) {
      await client.query(batch.join(';\n'));
    }
    // Settled before anything is measured: rows frozen and hinted, statistics taken, every
    // page written (otherwise the server does it while the quiet figures are taken).
    await client.query('VACUUM (FREEZE, ANALYZE)');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
  const generateSeconds = (performance.now() - start) / 1000;
  progress(
    `postgres: ${tableCount()} tables of ${TABLE_ROWS} rows in ${generateSeconds.toFixed(
      1,
    )} s`,
  );
  return {
    kind: 'postgres',
    tables: tableCount(),
    generateSeconds,
    close: async () => {
      const end = new Client({ connectionString: url });
      await end.connect();
      try {
        await end.query(
          `DROP DATABASE IF EXISTS ${DATA_DATABASE} WITH (FORCE)`,
        );
      } finally {
        await end.end();
      }
    },
  };
}

const created = new Map<DataServerKind, Promise<BenchDataServer>>();

/** The data server of this kind, its tables generated at its first use in the run. */
export function benchDataServer(kind: DataServerKind) {
  let server = created.get(kind);
  if (!server) {
    server = kind === 'duckdb' ? duckdbServer() : postgresServer();
    created.set(kind, server);
  }
  return server;
}

export async function closeBenchDataServers() {
  for (const server of created.values()) await (await server).close();
}

/** The latencies of the scale benchmark's requests, measured once. */
export interface Latencies {
  readP50: number;
  readP99: number;
  readRate: number;
  rollupMedian: number;
  rollupMax: number;
  explorerMedian: number;
  explorerMax: number;
}

export interface ScheduledRunFigures {
  /** The database of our store (SQLite or PostgreSQL). */
  store: string;
  data: BenchDataServer;
  quiet: Latencies;
  during: Latencies;
  /** Whether the run was still going when the last request measured during it was answered. */
  overlapped: boolean;
  /** From the task's start to its end. */
  runSeconds: number;
  /** From the task's start to the last request measured during it. */
  measuredSeconds: number;
  /** Whether the run was cancelled at its time box (BENCH_CONTRACT_RUN_MAX_SECONDS or _STOP_AT). */
  stopped: boolean;
  /** The contracts of active products: what a whole run tests. */
  activeContracts: number;
  /** Contracts tested (a run each), and those cut short by a cancellation. */
  contracts: number;
  aborted: number;
  checks: { passed: number; failed: number; errors: number; skipped: number };
  loadBefore: string;
  loadAfter: string;
  concurrency: number;
  maxConcurrentQueries: number;
}

const figures: ScheduledRunFigures[] = [];

export function recordScheduledRun(run: ScheduledRunFigures) {
  figures.push(run);
}

const TARGETS: Array<{
  name: string;
  key: keyof Latencies;
  target?: number;
}> = [
  { name: 'scorecard read at 200 requests/s, p50 (ms)', key: 'readP50' },
  {
    name: 'scorecard read at 200 requests/s, p99 (ms)',
    key: 'readP99',
    target: 25,
  },
  { name: 'scorecard reads achieved (requests/s)', key: 'readRate' },
  {
    name: 'rollup of a domain, median of 20 (ms)',
    key: 'rollupMedian',
    target: 100,
  },
  { name: 'rollup of a domain, max of 20 (ms)', key: 'rollupMax' },
  {
    name: 'explorer first page, median of 10 (ms)',
    key: 'explorerMedian',
    target: 2000,
  },
  { name: 'explorer first page, max of 10 (ms)', key: 'explorerMax' },
];

function format(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(value: number, target?: number) {
  if (target === undefined) return '';
  return value <= target ? 'pass' : 'miss';
}

function tables(): string[] {
  const lines: string[] = [];
  for (const run of figures) {
    const { contracts, runSeconds } = run;
    const checks =
      run.checks.passed +
      run.checks.failed +
      run.checks.errors +
      run.checks.skipped;
    const data = run.data.kind === 'duckdb' ? 'DuckDB' : 'PostgreSQL';
    const tested = run.stopped
      ? `the run was cancelled after ${format(
          runSeconds,
        )} s (its time box, BENCH_CONTRACT_RUN_MAX_SECONDS or BENCH_CONTRACT_RUN_STOP_AT), having tested ${contracts} of the ${
          run.activeContracts
        } contracts of active products (${
          run.aborted
        } of them cut short by the cancellation, as errors)`
      : `the run tested all ${contracts} contracts of active products in ${format(
          runSeconds,
        )} s`;
    const overlap = run.overlapped
      ? `Every request measured during the run was answered before it ended (the measurement took its first ${format(
          run.measuredSeconds,
        )} s).`
      : `The run ended after ${format(
          runSeconds,
        )} s, before the last request measured during it (${format(
          run.measuredSeconds,
        )} s): the later requests ran on a quiet backend.`;
    lines.push(
      `**Store on ${run.store}, data on ${data}** (${
        run.data.tables
      } tables of ${TABLE_ROWS} rows, generated in ${format(
        run.data.generateSeconds,
      )} s; load average ${run.loadBefore} before the quiet measurement, ${
        run.loadAfter
      } after the run): ${tested}, **${format(
        contracts / runSeconds,
      )} contracts/s** (${format(checks / runSeconds)} checks/s; ${
        run.checks.passed
      } checks passed, ${run.checks.failed} failed, ${
        run.checks.errors
      } errors, ${run.checks.skipped} skipped, ${
        contracts ? format(checks / contracts) : 'n/a'
      } per contract), at \`concurrency\` ${
        run.concurrency
      } and \`maxConcurrentQueries\` ${
        run.maxConcurrentQueries
      } (the defaults). ${overlap}`,
      '',
      '| request | quiet | during the run | target | quiet | during |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...TARGETS.map(({ name, key, target }) => {
        const quiet = run.quiet[key];
        const during = run.during[key];
        return `| ${name} | ${format(quiet)} | ${format(during)} | ${
          target === undefined ? '' : `< ${format(target)}`
        } | ${verdict(quiet, target)} | ${verdict(during, target)} |`;
      }),
      '',
    );
  }
  return lines;
}

/** The figures, for the console. */
export function printScheduledRuns(): string {
  return ['', 'Scheduled contract-test run during load', '', ...tables()].join(
    '\n',
  );
}

const MARKER = 'contract-tests-scheduled-bench';

/** Writes the figures as "Scheduled run during load", right after the contract tests' section. */
export function writeScheduledRuns(file: string) {
  if (figures.length === 0) return;
  const section = [
    `<!-- ${MARKER}:start -->`,
    '',
    '### Scheduled run during load',
    '',
    `Written by \`yarn bench\` (plugins/data-mesh-backend/bench/scale.bench.ts) on ${new Date().toISOString()}, Node ${
      process.version
    }, ${
      os.cpus().length
    } cores: the scale benchmark's ${PRODUCTS} products, each contract naming a table of its own on a real data server (id, amount, updated_at; a row count rule, a primary key, a required column, a null rule and a one-day freshness service level, besides the existence and type of each column). Every 13th table has a NULL amount and every 17th is ten days old, so some checks fail. The backend runs in a process of its own, by plain Node as a backend runs (bench/backendProcess.ts: the scale benchmark's backend, on its catalog, with a store of its own that a first pass fills), and the reads are sent by another (bench/pacedLoad.ts), so neither jest's vm context nor the load generator shares its event loop. The run is the plugin's own scheduled task \`data-mesh-contract-tests\` (\`ContractTestService.testAll\`: every active product's contracts, 25 products' contracts read from the catalog at a time, then each product's facts, and the products evaluated again five at a time), started through its scheduler. While it runs, the scale benchmark's requests are measured as its table measures them (scorecard reads of random products at an even 200 requests/s for 15 s, open loop, as the caller who may read every entity; then 20 rollups, then 10 explorer first pages, sequentially); "quiet" is the same measurement just before, on the same backend.`,
    '',
    ...tables(),
    `<!-- ${MARKER}:end -->`,
  ].join('\n');
  const existing = fs.readFileSync(file, 'utf8');
  const marked = new RegExp(
    `<!-- ${MARKER}:start -->[\\s\\S]*<!-- ${MARKER}:end -->`,
  );
  const after = '<!-- contract-tests-bench:end -->';
  let text: string;
  if (marked.test(existing)) {
    text = existing.replace(marked, () => section);
  } else if (existing.includes(after)) {
    // The contract tests' bench rewrites its own section: ours stays outside its markers.
    text = existing.replace(after, () => `${after}\n\n${section}`);
  } else {
    text = `${existing.trimEnd()}\n\n${section}\n`;
  }
  fs.writeFileSync(file, text);
}
