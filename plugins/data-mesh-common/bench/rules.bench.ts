/*
 * `yarn bench` at the repository root: prints the timings of the rule engine against plain
 * JavaScript, json-rules-engine and the cel-js interpreter. Not a timed test: it fails only when
 * the engine and the plain functions disagree on an outcome. See rulesBenchmark.ts.
 */
import { runBenchmark } from './rulesBenchmark';

describe('rule engine benchmark', () => {
  it('prints the timings of the engines', async () => {
    const table = await runBenchmark();
    process.stdout.write(`${table}\n`);
    expect(table).toContain('(a) = (b) = (d) on every product and check');
  }, 600_000);
});
