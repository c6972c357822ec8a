/*
 * Scorecard pass benchmark, run by `yarn bench` at the repository root.
 *
 * Target: a full pass over 10,000 products (read, evaluate, persist) under 5 s, on SQLite and
 * on PostgreSQL (when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set).
 *
 * The organisation is the scale benchmark's (fixtures.ts: products with lineage, their ODCS
 * contract APIs, 10 fact sources per product), read from Backstage's in-memory catalog
 * (`catalogServiceMock`) page by page as from the real one, with the relations the catalog
 * would give the products; the stores run on the real databases. It is the scale benchmark's
 * pass without its minutes of catalog ingestion, for iterating on the pass's speed (the
 * in-memory catalog's own filtering takes a large share of each pass).
 *
 * The pass runs in a child process, by plain Node as the backend runs it (passRun.ts), not in
 * this test's vm context, where every global lookup is a call into Node and the rules'
 * interpreter (cel-js) runs about five times slower than in a backend. The test asserts
 * correctness (every product evaluated and stored, outcomes vary), not speed.
 *
 * BENCH_DATABASES=SQLITE_3 (a comma-separated list) runs only those databases, BENCH_PASSES
 * the number of passes, and BENCH_CPU_PROFILE=<directory> writes a V8 CPU profile of each
 * pass there. Each pass's CPU time (user + system, the process running it) is printed beside
 * its wall time: on a shared machine it varies less.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { FACT_SOURCES, PRODUCTS } from './fixtures';
import { runPasses } from './runPasses';

jest.setTimeout(20 * 60_000);

const PASSES = Number(process.env.BENCH_PASSES ?? 3);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'].filter(
    id =>
      !process.env.BENCH_DATABASES ||
      process.env.BENCH_DATABASES.split(',').includes(id),
  ) as Array<'SQLITE_3' | 'POSTGRES_15'>,
});
const rows: string[] = [];

afterAll(() => {
  process.stdout.write(
    [
      '',
      `Scorecard pass in plain Node: ${PRODUCTS} products, ${FACT_SOURCES.length} fact sources each, default checks and policies, node ${process.version}`,
      `database     ${Array.from(
        { length: PASSES },
        (_, i) => `pass ${i + 1} wall/CPU (s)`,
      ).join('  ')}  peak RSS (MB)`,
      ...rows,
      '',
    ].join('\n'),
  );
});

describe.each(databases.eachSupportedId())('scorecard pass on %p', id => {
  it(`evaluates and stores ${PRODUCTS} products`, async () => {
    // PostgreSQL: a fresh database the child process connects to; SQLite: its own, in memory.
    const database =
      id === 'POSTGRES_15'
        ? {
            client: 'pg' as const,
            connection: (await databases.init(id)).client.config.connection,
          }
        : { client: 'better-sqlite3' as const };
    const result = await runPasses({
      database,
      passes: PASSES,
      profileDir: process.env.BENCH_CPU_PROFILE,
    });

    expect(result.passes.map(pass => pass.products)).toEqual(
      Array(PASSES).fill(PRODUCTS),
    );
    expect(result.scores).toHaveLength(100);
    expect(new Set(result.scores).size).toBeGreaterThan(1);
    rows.push(
      `${String(id).padEnd(12)} ${result.passes
        .map(pass =>
          `${(pass.wallMs / 1000).toFixed(2)}/${(pass.cpuMs / 1000).toFixed(
            2,
          )}`.padStart(19),
        )
        .join('  ')}  ${String(Math.round(result.peakRssMb)).padStart(13)}`,
    );
  });
});
