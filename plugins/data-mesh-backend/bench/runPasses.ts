/*
 * Runs passRun.ts by plain Node in a child process, with TypeScript read as `yarn start` reads
 * it: the pass as a backend runs it, not in jest's vm context (there every global lookup is a
 * call into Node, and the rules' interpreter, cel-js, runs several times slower).
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';

export interface PassRunInput {
  /** `{ client: 'better-sqlite3' }` (in memory) or `{ client: 'pg', connection }`. */
  database:
    | { client: 'better-sqlite3' }
    | { client: 'pg'; connection: unknown };
  passes: number;
  profileDir?: string;
  /**
   * A running backend whose catalog the pass reads over HTTP (its mock auth accepts the child's
   * tokens); without it, the fixtures in Backstage's in-memory catalog.
   */
  catalogBaseUrl?: string;
}

export interface PassRunOutput {
  passes: Array<{ wallMs: number; cpuMs: number; products: number }>;
  peakRssMb: number;
  reads: Record<string, number>;
  memory: {
    rssBeforeMb: number;
    heapBeforeMb: number;
    peakHeapMb: number;
    heapAfterGcMb: number;
    externalAfterMb: number;
  };
  /** The stored scores of 100 products spread over the mesh. */
  scores: number[];
}

/**
 * `script`: passRun.ts, or the same program in another checkout (an earlier commit, with its
 * own node_modules) to compare with.
 */
export async function runPasses(
  input: PassRunInput,
  script = path.join(__dirname, 'passRun.ts'),
): Promise<PassRunOutput> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      script,
    ],
    {
      env: { ...process.env, PASS_RUN: JSON.stringify(input) },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}
