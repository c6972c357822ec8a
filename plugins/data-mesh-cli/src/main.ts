import { parseArgs } from 'node:util';
import { runCheck } from './check';
import { testMain } from './contractTests/testCommand';
import { diffMain } from './diff';
import { CheckInputError, errorMessage } from './errors';
import { formatJson, formatText, UNRESOLVED_NOTE } from './format';

/** Exit codes of `data-mesh-check`. @public */
export const EXIT_CODES = {
  /** Every product is compliant (warnings allowed). */
  compliant: 0,
  /** At least one product is not compliant. */
  notCompliant: 1,
  /** Bad input: a file, a descriptor, the config or an option; or the portal failed. */
  badInput: 2,
} as const;

/** Where `main` writes and what it reads from its environment. @public */
export interface MainIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Default `process.env` (`DATA_MESH_TOKEN`, `${VAR}` in config files). */
  env?: Record<string, string | undefined>;
  /** Default `process.cwd()`. */
  cwd?: string;
  /** The time of the evaluation; default now. */
  now?: Date;
}

/** The usage text of `data-mesh-check --help`. @public */
export const USAGE = `Usage: data-mesh-check [options] <descriptor.yaml ...>

Checks the DataProducts of catalog-info.yaml files against the data mesh scorecard checks
and governance policies, with the same verdict as the portal. \`data-mesh-check test\` tests
ODCS data contracts against their data instead; \`data-mesh-check diff\` compares two versions
of a contract.

Options:
  --config <file>     app-config file whose dataMesh.scorecards and dataMesh.governance
                      apply (repeatable; default: the built-in rules)
  --entities <path>   YAML file or directory of catalog entities (domains, groups, products,
                      contracts) that rules may read (repeatable)
  --facts <file>      JSON object of facts by source,
                      e.g. {"contract_tests":{"passed":12,"failed":0}}
  --url <base>        evaluate through a portal instead (POST <base>/api/data-mesh/evaluate,
                      with the token of DATA_MESH_TOKEN)
  --format text|json  output format (default text)
  -h, --help          show this help

Commands:
  test [options] <contract.odcs.yaml ...>  test contracts against their data
                                           (see data-mesh-check test --help)
  diff [options] <old> <new>               check that a contract's new version covers
                                           its changes (see data-mesh-check diff --help)

Exit codes: 0 every product is compliant (warnings allowed), 1 a product is not compliant,
2 bad input (file, YAML, descriptor, config, option) or the portal failed.
`;

/**
 * The `data-mesh-check` command: checks descriptors, prints the report and returns the exit
 * code (see {@link EXIT_CODES}); `data-mesh-check test ...` tests contracts against their data
 * instead (see `TEST_EXIT_CODES`). Bad input is printed one problem a line on stderr, never as a
 * stack trace.
 * @public
 */
export async function main(argv: string[], io: MainIo): Promise<number> {
  if (argv[0] === 'test') return testMain(argv.slice(1), io);
  if (argv[0] === 'diff') return diffMain(argv.slice(1), io);
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const fail = (problems: string[]) => {
    for (const problem of problems) io.stderr.write(`error: ${problem}\n`);
    return EXIT_CODES.badInput;
  };

  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', multiple: true },
        entities: { type: 'string', multiple: true },
        facts: { type: 'string' },
        url: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail([
      `${errorMessage(error).split('. ')[0]} (see data-mesh-check --help)`,
    ]);
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT_CODES.compliant;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    return fail([`--format: ${JSON.stringify(format)} is not text or json`]);
  }
  if (positionals.length === 0) {
    return fail([
      'no descriptor given: name the catalog-info.yaml files to check (see data-mesh-check --help)',
    ]);
  }

  try {
    const report = await runCheck({
      files: positionals,
      entityPaths: values.entities ?? [],
      configFiles: values.config ?? [],
      factsFile: values.facts,
      now: io.now,
      cwd,
      env,
      url: values.url,
      token: values.url ? env.DATA_MESH_TOKEN || undefined : undefined,
    });
    for (const warning of report.warnings) {
      io.stderr.write(`warning: ${warning}\n`);
    }
    if (format === 'json') {
      if (!report.entitiesResolved)
        io.stderr.write(`note: ${UNRESOLVED_NOTE}\n`);
      io.stdout.write(formatJson(report));
    } else {
      io.stdout.write(formatText(report));
    }
    return report.products.every(p => p.governance.compliant)
      ? EXIT_CODES.compliant
      : EXIT_CODES.notCompliant;
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
