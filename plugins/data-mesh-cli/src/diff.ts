import {
  bumpCovers,
  ContractChange,
  declaredBump,
  diffContracts,
  nextVersion,
  OdcsContract,
  problemsOf,
  requiredBump,
  VersionBump,
} from '@datamesh-portal/plugin-data-mesh-common';
import { parseArgs } from 'node:util';
import { escapeControl } from './contractTests/format';
import { CheckInputError, errorLines, errorMessage } from './errors';
import { readContractFile } from './files';
import { ContractImpactResponse, contractImpactThroughPortal } from './portal';
import type { MainIo } from './main';

/** Exit codes of `data-mesh-check diff`. @public */
export const DIFF_EXIT_CODES = {
  /** The new contract's version covers its changes (or nothing changed). */
  covered: 0,
  /** The changes need a larger version bump than the new contract declares. */
  notCovered: 1,
  /** Bad input: a file, a contract, a version that is not semantic or goes down, an option. */
  badInput: 2,
} as const;

/** The usage text of `data-mesh-check diff --help`. @public */
export const DIFF_USAGE = `Usage: data-mesh-check diff [options] <old.odcs.yaml> <new.odcs.yaml>

Compares two versions of an ODCS data contract as its consumers see them, and checks that the
new version number covers the changes: a breaking change needs a new major version, a
non-breaking one a new minor, a documentation change a new patch. The rules are those of the
portal (@datamesh-portal/plugin-data-mesh-common, CONTRACT_CHANGE_RULES).

Options:
  --format text|json  output format (default text)
  --url <portal>      also list the consumers the change affects, as the portal knows them
                      (products reading the contract on an input port, active usage
                      agreements, each with owners), with the token of DATA_MESH_TOKEN
  --contract <ref>    the contract's API entity in the portal (default api:default/ and the
                      new file's name without .odcs.yaml, as the template names contracts)
  -h, --help          show this help

Exit codes: 0 the new version covers the changes, 1 it does not (raise the version),
2 bad input (file, contract, version, option) or a portal that cannot be reached or refuses.
`;

/** The result of `data-mesh-check diff`. @public */
export interface ContractDiffReport {
  /** The bump the changes need. */
  required: VersionBump;
  /** The bump from the old version to the new one. */
  declared: VersionBump;
  /** Whether the declared bump covers the required one. */
  covered: boolean;
  oldVersion: string;
  newVersion: string;
  /** The changes, breaking ones first (at most 500, the last then counting the rest). */
  changes: ContractChange[];
  /** With `--url`: the contract in the portal, and who relies on it. */
  portal?: ContractPortalReport;
}

/** Who relies on the contract in the portal, and whom the change affects. @public */
export interface ContractPortalReport {
  contractRef: string;
  /** Whether the portal has the contract (a new contract has no consumers yet). */
  found: boolean;
  /** The contract's version in the portal's catalog. */
  currentVersion?: string;
  /** Everyone relying on the contract, as far as the token may read. */
  consumers: ContractImpactResponse['consumers'];
  /**
   * The consumers the change breaks: all of them when a change is breaking, none otherwise.
   */
  affected: ContractImpactResponse['consumers'];
}

/**
 * The changes from one contract to the next and whether the new version covers them. Throws a
 * {@link CheckInputError} naming the file when a version is not semantic or goes down.
 * @public
 */
export function compareContracts(
  before: { file: string; contract: OdcsContract },
  after: { file: string; contract: OdcsContract },
): ContractDiffReport {
  let declared: VersionBump;
  try {
    declared = declaredBump(before.contract.version, after.contract.version);
  } catch (error) {
    const problems = problemsOf(error);
    if (!problems) throw error;
    throw new CheckInputError(
      problems.map(
        ({ field, message }) =>
          `${
            field === 'oldVersion' ? before.file : after.file
          }: version: ${message}`,
      ),
    );
  }
  const changes = diffContracts(before.contract, after.contract);
  const required = requiredBump(changes);
  return {
    required,
    declared,
    covered: bumpCovers(declared, required),
    oldVersion: String(before.contract.version),
    newVersion: String(after.contract.version),
    changes,
  };
}

const SEVERITY_LABELS: Record<ContractChange['severity'], string> = {
  breaking: 'BREAKING',
  'non-breaking': 'NON-BREAKING',
  patch: 'PATCH',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The verdict on the version, on one line. */
function versionLine(report: ContractDiffReport): string {
  const { required, declared, oldVersion, newVersion } = report;
  const bump = `${oldVersion} to ${newVersion} is ${
    declared === 'none' ? 'no version bump' : `a ${declared} bump`
  }`;
  if (report.covered) {
    return `VERSION OK: ${
      required === 'none'
        ? 'nothing changed that needs a new version'
        : `the changes need a ${required} bump`
    }; ${bump}`;
  }
  const next = nextVersion(oldVersion, required);
  return `VERSION TOO LOW: the changes need a ${required} bump; ${bump}${
    next ? `: make the new version ${next} or higher` : ''
  }`;
}

/** A consumer on one line: who, how it relies on the contract, its owners. */
function consumerLine(
  consumer: ContractImpactResponse['consumers'][number],
): string {
  const how =
    consumer.kind === 'agreement'
      ? `usage agreement on port ${consumer.port} of ${consumer.productRef}${
          consumer.contractVersion
            ? `, relying on ${consumer.contractVersion}`
            : ''
        }`
      : `input port ${consumer.port}`;
  const owners = consumer.owners.length
    ? consumer.owners.join(', ')
    : 'owner unknown';
  return `  ${consumer.entityRef} (${how}); owners: ${owners}`;
}

/** What the portal says about the contract's consumers. */
function portalLines(portal: ContractPortalReport): string[] {
  if (!portal.found) {
    return [
      `CONSUMERS: the portal has no contract ${portal.contractRef} you may read: no consumers known`,
    ];
  }
  if (portal.affected.length) {
    return [
      `CONSUMERS AFFECTED: ${plural(portal.affected.length, 'consumer')} of ${
        portal.contractRef
      } (${portal.currentVersion} in the portal) rely on what breaks:`,
      ...portal.affected.map(consumerLine),
    ];
  }
  return [
    `CONSUMERS: none affected; ${plural(
      portal.consumers.length,
      'consumer',
    )} of ${portal.contractRef} (${portal.currentVersion} in the portal)${
      portal.consumers.length ? ':' : ''
    }`,
    ...portal.consumers.map(consumerLine),
  ];
}

/** The contract's default entity ref: its file's name, as the template names contracts. */
export function defaultContractRef(file: string): string {
  const base = file
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(odcs\.)?(ya?ml|json)$/i, '');
  return `api:default/${base.toLocaleLowerCase('en-US')}`;
}

/**
 * The report as text: a heading, one change a line with its severity, rule and path and the
 * message below, counts by severity, and the verdict on the version.
 */
export function formatDiffText(
  report: ContractDiffReport,
  files: { old: string; new: string },
): string {
  const lines = [
    `${files.old} (${report.oldVersion}) -> ${files.new} (${report.newVersion})`,
  ];
  for (const change of report.changes) {
    lines.push(
      `  ${SEVERITY_LABELS[change.severity].padEnd(12)}  ${change.rule.padEnd(
        25,
      )}  ${change.path}`,
      `      ${change.message}`,
    );
  }
  const counts = (['breaking', 'non-breaking', 'patch'] as const)
    .map(severity => ({
      severity,
      count: report.changes.filter(c => c.severity === severity).length,
    }))
    .filter(({ count }) => count > 0)
    .map(({ severity, count }) => `${count} ${severity}`);
  lines.push(
    report.changes.length
      ? `${plural(report.changes.length, 'change')}: ${counts.join(', ')}`
      : 'No changes',
    versionLine(report),
  );
  if (report.portal) lines.push(...portalLines(report.portal));
  return `${escapeControl(lines.join('\n'))}\n`;
}

/** The report as JSON: `{ required, declared, covered, oldVersion, newVersion, changes }`. */
export function formatDiffJson(report: ContractDiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * `data-mesh-check diff <old> <new>`: compares two versions of a contract, prints the changes
 * and returns the exit code (see {@link DIFF_EXIT_CODES}).
 */
export async function diffMain(argv: string[], io: MainIo): Promise<number> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const fail = (problems: string[]) => {
    for (const problem of problems) {
      io.stderr.write(`error: ${escapeControl(problem)}\n`);
    }
    return DIFF_EXIT_CODES.badInput;
  };

  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        url: { type: 'string' },
        contract: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail([
      `${errorMessage(error).split('. ')[0]} (see data-mesh-check diff --help)`,
    ]);
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(DIFF_USAGE);
    return DIFF_EXIT_CODES.covered;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    return fail([`--format: ${JSON.stringify(format)} is not text or json`]);
  }
  if (positionals.length !== 2) {
    return fail([
      `name two contract files, the old version and the new one (got ${positionals.length}; see data-mesh-check diff --help)`,
    ]);
  }

  try {
    const [oldFile, newFile] = positionals;
    const read = await Promise.allSettled(
      positionals.map(file => readContractFile(file, cwd)),
    );
    const problems = read.flatMap(result => {
      if (result.status === 'fulfilled') return [];
      return result.reason instanceof CheckInputError
        ? result.reason.problems
        : errorLines(result.reason);
    });
    if (problems.length) throw new CheckInputError(problems);
    const [before, after] = read.map(
      result => (result as PromiseFulfilledResult<OdcsContract>).value,
    );
    const report = compareContracts(
      { file: oldFile, contract: before },
      { file: newFile, contract: after },
    );
    if (values.url !== undefined) {
      const contractRef = values.contract ?? defaultContractRef(newFile);
      const impact = await contractImpactThroughPortal(
        values.url,
        env.DATA_MESH_TOKEN || undefined,
        contractRef,
        after,
      );
      const breaking = report.changes.some(c => c.severity === 'breaking');
      report.portal = impact
        ? {
            contractRef: impact.contractRef,
            found: true,
            currentVersion: impact.currentVersion,
            consumers: impact.consumers,
            affected: breaking ? impact.consumers : [],
          }
        : { contractRef, found: false, consumers: [], affected: [] };
    } else if (values.contract !== undefined) {
      return fail([
        '--contract names the contract in the portal: give --url too',
      ]);
    }
    io.stdout.write(
      format === 'json'
        ? formatDiffJson(report)
        : formatDiffText(report, { old: oldFile, new: newFile }),
    );
    return report.covered
      ? DIFF_EXIT_CODES.covered
      : DIFF_EXIT_CODES.notCovered;
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
