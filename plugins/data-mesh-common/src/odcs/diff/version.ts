import semver from 'semver';
import { inputErrorWithProblems, Problem } from '../../validation/problems';
import { quote } from './compare';
import { ChangeSeverity, ContractChange } from './rules';

/**
 * A version bump, from none to major: what changes need (`requiredBump`) or what a new
 * version declares (`declaredBump`).
 * @public
 */
export type VersionBump = 'major' | 'minor' | 'patch' | 'none';

/** Bumps from the smallest. */
const BUMPS: VersionBump[] = ['none', 'patch', 'minor', 'major'];

const BUMP_OF: Record<ChangeSeverity, VersionBump> = {
  breaking: 'major',
  'non-breaking': 'minor',
  patch: 'patch',
};

/**
 * The version bump changes need: a breaking change a new major version, a non-breaking one a
 * new minor, a patch a new patch; `none` without changes.
 * @public
 */
export function requiredBump(
  changes: ReadonlyArray<Pick<ContractChange, 'severity'>>,
): VersionBump {
  return changes.reduce<VersionBump>((bump, change) => {
    const needed = BUMP_OF[change.severity] ?? 'major';
    return BUMPS.indexOf(needed) > BUMPS.indexOf(bump) ? needed : bump;
  }, 'none');
}

/** Whether a declared bump is at least the bump required. @public */
export function bumpCovers(
  declared: VersionBump,
  required: VersionBump,
): boolean {
  return BUMPS.indexOf(declared) >= BUMPS.indexOf(required);
}

function readVersion(
  value: unknown,
  field: string,
  problems: Problem[],
): semver.SemVer | undefined {
  const version = typeof value === 'string' ? semver.parse(value.trim()) : null;
  if (!version) {
    problems.push({
      field,
      message: `${quote(
        value,
      )} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.2.0`,
    });
    return undefined;
  }
  return version;
}

/**
 * The bump from an old version of a contract to a new one: `major` from 1.4.2 to 2.0.0,
 * `minor` to 1.5.0, `patch` to 1.4.3, `none` when equal (build metadata is ignored). A
 * pre-release counts as the bump toward its release (1.4.2 to 2.0.0-rc.1 is major); from one
 * pre-release to the next of the same release is a patch. Throws an `InputError` whose
 * problems name `oldVersion` or `newVersion` when one is not a semantic version, or when the
 * new version is lower than the old one.
 * @public
 */
export function declaredBump(
  oldVersion: unknown,
  newVersion: unknown,
): VersionBump {
  const problems: Problem[] = [];
  const before = readVersion(oldVersion, 'oldVersion', problems);
  const after = readVersion(newVersion, 'newVersion', problems);
  if (!before || !after) {
    throw inputErrorWithProblems(
      `A contract's version must be a semantic version to judge its changes: ${problems
        .map(p => `${p.field} ${p.message}`)
        .join('; ')}`,
      problems,
    );
  }
  if (semver.lt(after, before)) {
    const message = `${after.version} is lower than the previous version ${before.version}`;
    throw inputErrorWithProblems(
      `A contract's version must not go down: ${message}`,
      [{ field: 'newVersion', message }],
    );
  }
  switch (semver.diff(before, after)) {
    case 'major':
    case 'premajor':
      return 'major';
    case 'minor':
    case 'preminor':
      return 'minor';
    case 'patch':
    case 'prepatch':
    case 'prerelease':
      return 'patch';
    default:
      return 'none';
  }
}

/**
 * The smallest version that covers a bump from `version`: 2.0.0 for a major bump of 1.4.2.
 * Undefined when `version` is not a semantic version.
 * @public
 */
export function nextVersion(
  version: string,
  bump: VersionBump,
): string | undefined {
  if (bump === 'none') return semver.valid(version) ?? undefined;
  return semver.inc(version, bump) ?? undefined;
}
