import { createHash } from 'node:crypto';
import { EXAMPLE_DATA_DEFECTS } from './defects';

/**
 * The generator's version: raise it when a change of the generator changes the data it
 * builds, so that existing example data is rebuilt on the next start.
 */
export const GENERATOR_VERSION = 2;

/** Where the example data records what it was built from: a schema no contract uses. */
export const STAMP_SCHEMA = 'example_data_build';
export const STAMP_TABLE = 'stamp';

/** What example data was built from and when. */
export interface ExampleDataStamp {
  /** A hash of the generator version, the contracts, the defects and the seed. */
  hash: string;
  /** The reference now of the build (ISO). */
  now: string;
}

/** The hash a build of these contracts with this seed records. */
export function stampHash(contractsHash: string, seed: number): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        generator: GENERATOR_VERSION,
        contracts: contractsHash,
        defects: EXAMPLE_DATA_DEFECTS,
        seed,
      }),
    )
    .digest('hex');
}

/**
 * Whether existing data is current: built by this generator from these contracts, and recent
 * enough that its fresh tables are still fresh.
 */
export function isCurrent(
  stamp: ExampleDataStamp | undefined,
  hash: string,
  now: Date,
  maxAgeMs: number,
): boolean {
  if (!stamp || stamp.hash !== hash) return false;
  const age = now.getTime() - Date.parse(stamp.now);
  return age >= 0 && age < maxAgeMs;
}
