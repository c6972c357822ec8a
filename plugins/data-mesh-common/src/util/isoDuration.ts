import { Duration } from 'luxon';

/** Longest duration text read: an ISO-8601 duration is short. */
export const MAX_ISO_DURATION_LENGTH = 64;

/**
 * luxon's reading of an ISO-8601 duration such as `PT24H` or `P7D`; undefined when the text is
 * not such a duration, is negative or names no amount (`P`, `PT`, `P1DT`), which luxon would
 * accept. A decimal comma is read as a point.
 */
export function readIsoDuration(text: string): Duration | undefined {
  if (
    text.length > MAX_ISO_DURATION_LENGTH ||
    text.includes('-') ||
    text.endsWith('P') ||
    text.endsWith('T')
  ) {
    return undefined;
  }
  // ISO-8601 allows a decimal comma; luxon reads the point only.
  const duration = Duration.fromISO(text.replace(/,/g, '.'));
  return duration.isValid ? duration : undefined;
}

const UNITS: Array<keyof IsoDurationUnits> = [
  'years',
  'months',
  'weeks',
  'days',
  'hours',
  'minutes',
  'seconds',
];

/**
 * The amounts of an ISO-8601 duration by unit as written, largest unit first: `P1DT12H` is
 * `{ days: 1, hours: 12 }`, `PT1.5S` is `{ seconds: 1.5 }`.
 * @public
 */
export type IsoDurationUnits = {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
};

/**
 * Reads an ISO-8601 duration (such as an SLO's `PT24H`) with luxon, as the rules'
 * `isoDuration()` does; undefined when the text is not such a duration, is negative or names no
 * amount (`P`, `PT`, `P1DT`).
 * @public
 */
export function parseIsoDuration(text: string): IsoDurationUnits | undefined {
  const duration = readIsoDuration(text);
  if (!duration) return undefined;
  const { milliseconds, ...amounts } = duration.toObject();
  const units: IsoDurationUnits = {};
  for (const unit of UNITS) {
    if (amounts[unit] !== undefined) units[unit] = amounts[unit];
  }
  // luxon keeps the fraction of a second apart, in milliseconds.
  if (milliseconds) units.seconds = (units.seconds ?? 0) + milliseconds / 1000;
  return units;
}
