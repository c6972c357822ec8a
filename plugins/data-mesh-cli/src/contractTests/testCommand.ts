import { parseArgs } from 'node:util';
import { CheckInputError, errorMessage } from '../errors';
import type { MainIo } from '../main';
import {
  contractPassed,
  escapeControl,
  formatTestJson,
  formatTestJunit,
  formatTestText,
} from './format';
import { runContractTests } from './runContractTests';

/** Exit codes of `data-mesh-check test`. @public */
export const TEST_EXIT_CODES = {
  /** Every check of every contract passed (skipped checks allowed). */
  passed: 0,
  /** A check failed, or could not be measured. */
  failed: 1,
  /** Bad input: a file, a contract, the config or an option; or a server out of reach. */
  badInput: 2,
} as const;

/** The usage text of `data-mesh-check test --help`. @public */
export const TEST_USAGE = `Usage: data-mesh-check test [options] <contract.odcs.yaml ...>

Tests ODCS data contracts against their data, with the portal's engine: tables and columns,
types, required and unique columns, keys, quality rules, freshness and retention. Each
contract is tested on one of its servers (servers[].server), whose connection is read from
dataMesh.servers of the config.

Options:
  --config <file>           app-config file with dataMesh.servers (repeatable, later files
                            override; \${VAR} is read from the environment)
  --server <id>             test on this server of each contract (default: the first
                            of its servers that dataMesh.servers configures)
  --format text|json|junit  output format (default text)
  -h, --help                show this help

Exit codes: 0 every check passed, 1 a check failed or could not be measured,
2 bad input (file, contract, config, option) or a server out of reach.
`;

const FORMATS = new Map([
  ['text', formatTestText],
  ['json', formatTestJson],
  ['junit', formatTestJunit],
]);

/**
 * `data-mesh-check test`: tests contracts, prints the results and returns the exit code (see
 * {@link TEST_EXIT_CODES}).
 */
export async function testMain(argv: string[], io: MainIo): Promise<number> {
  const env = io.env ?? process.env;
  const fail = (problems: string[]) => {
    for (const problem of problems) {
      io.stderr.write(`error: ${escapeControl(problem)}\n`);
    }
    return TEST_EXIT_CODES.badInput;
  };

  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', multiple: true },
        server: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail([
      `${errorMessage(error).split('. ')[0]} (see data-mesh-check test --help)`,
    ]);
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(TEST_USAGE);
    return TEST_EXIT_CODES.passed;
  }
  const format = FORMATS.get(values.format ?? 'text');
  if (!format) {
    return fail([
      `--format: ${JSON.stringify(values.format)} is not text, json or junit`,
    ]);
  }

  try {
    const contracts = await runContractTests({
      files: positionals,
      configFiles: values.config ?? [],
      server: values.server,
      cwd: io.cwd,
      env,
      now: io.now,
    });
    io.stdout.write(format(contracts));
    return contracts.every(c => contractPassed(c.result))
      ? TEST_EXIT_CODES.passed
      : TEST_EXIT_CODES.failed;
  } catch (error) {
    if (error instanceof CheckInputError) return fail(error.problems);
    if (env.DATA_MESH_CHECK_DEBUG)
      io.stderr.write(`${(error as Error)?.stack}\n`);
    return fail([
      `unexpected failure: ${errorMessage(
        error,
      )} (set DATA_MESH_CHECK_DEBUG=1 for details)`,
    ]);
  }
}
