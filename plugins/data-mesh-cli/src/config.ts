import { Config, ConfigReader } from '@backstage/config';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import {
  DataProductEvaluator,
  DataProductRules,
  OdpsImportOptions,
  RuleCompileError,
  RuleCompileProblem,
} from '@datamesh-portal/plugin-data-mesh-common';
import { readDataMeshRules } from '@datamesh-portal/plugin-data-mesh-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckInputError, errorMessage } from './errors';

/**
 * Reads app-config files as the backend does (`$env`, `$include`, `${VAR}` substitution, later
 * files overriding earlier ones); no files gives an empty config, so the built-in defaults.
 */
export async function loadConfig(
  files: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<Config> {
  if (files.length === 0) return new ConfigReader({});
  const problems: string[] = [];
  for (const file of files) {
    try {
      const stat = await fs.stat(path.resolve(options.cwd, file));
      if (!stat.isFile()) problems.push(`${file}: is not a file`);
    } catch (error) {
      problems.push(
        (error as NodeJS.ErrnoException)?.code === 'ENOENT'
          ? `${file}: no such file or directory`
          : `${file}: ${errorMessage(error)}`,
      );
    }
  }
  if (problems.length) throw new CheckInputError(problems);
  const env = options.env ?? process.env;
  const source = ConfigSources.merge(
    files.map(file =>
      FileConfigSource.create({
        path: path.resolve(options.cwd, file),
        watch: false,
        substitutionFunc: async name => env[name]?.trim(),
      }),
    ),
  );
  try {
    const config = await ConfigSources.toConfig(source);
    config.close();
    return config;
  } catch (error) {
    throw new CheckInputError([`${files.join(', ')}: ${errorMessage(error)}`]);
  }
}

function describeProblem(
  problem: RuleCompileProblem,
  rules: DataProductRules,
): string {
  const what = rules.policies.some(p => p.id === problem.ruleId)
    ? 'dataMesh.governance policy'
    : 'dataMesh.scorecards check';
  const where =
    problem.line !== undefined
      ? ` at line ${problem.line}, column ${problem.column}`
      : '';
  return `${what} ${problem.ruleId}: ${problem.field}: ${problem.message}${where}`;
}

/**
 * The rules of `dataMesh.scorecards` and `dataMesh.governance` (defaults filled in), compiled.
 * Throws a {@link CheckInputError} with one problem per bad rule, naming its id and position.
 */
export function createEvaluator(
  config: Config,
  configFiles: string[],
): DataProductEvaluator {
  const from = configFiles.length ? `${configFiles.join(', ')}: ` : '';
  let rules: DataProductRules;
  try {
    rules = readDataMeshRules(config);
  } catch (error) {
    throw new CheckInputError([`${from}${errorMessage(error)}`]);
  }
  try {
    return new DataProductEvaluator(rules);
  } catch (error) {
    if (!(error instanceof RuleCompileError)) throw error;
    throw new CheckInputError(
      error.problems.map(p => `${from}${describeProblem(p, rules)}`),
    );
  }
}

/** The owner and domain an ODPS document without them gets, as the catalog module reads them. */
export function odpsImportOptions(config: Config): OdpsImportOptions {
  const odps = config.getOptionalConfig('dataMesh.odps');
  return {
    defaultOwner: odps?.getOptionalString('defaultOwner') ?? 'group:unassigned',
    defaultDomain: odps?.getOptionalString('defaultDomain') ?? 'unassigned',
  };
}
