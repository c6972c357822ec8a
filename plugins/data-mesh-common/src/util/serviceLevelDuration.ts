import { Duration, DurationLikeObject } from 'luxon';
import { readIsoDuration } from './isoDuration';

/** The unit names of ODCS service levels, as luxon's units. */
const UNITS: Record<string, keyof DurationLikeObject> = {};
for (const [unit, names] of [
  ['milliseconds', ['ms', 'millisecond', 'milliseconds']],
  ['seconds', ['s', 'sec', 'second', 'seconds']],
  ['minutes', ['m', 'min', 'minute', 'minutes']],
  ['hours', ['h', 'hr', 'hour', 'hours']],
  ['days', ['d', 'day', 'days']],
  ['weeks', ['w', 'week', 'weeks']],
  ['months', ['mo', 'month', 'months']],
  ['years', ['y', 'yr', 'year', 'years']],
] as Array<[keyof DurationLikeObject, string[]]>) {
  for (const name of names) UNITS[name] = unit;
}

/**
 * The duration of an ODCS service level (`slaProperties[]` such as latency, frequency,
 * retention) in milliseconds: a `value` with a `unit` (`4` `d`; units ms, s, m, h, d, w, mo, y
 * or their long names, any case; a numeric string is read as its number), or an ISO-8601
 * `value` such as `PT1H` without a unit. Months and years are average ones (luxon's long-term
 * accuracy), so `1 y` is longer than `365 d`. A negative amount is not a duration.
 *
 * @returns the milliseconds, or why the value and unit are not a duration (a phrase such as
 * `its unit "parsecs" is not one of s, m, h, d, w, mo, y`).
 * @public
 */
export function serviceLevelDurationMs(
  value: unknown,
  unit: unknown,
): number | string {
  if (typeof value === 'string' && unit === undefined) {
    const iso = readIsoDuration(value);
    if (iso) return longTermMs(iso.toObject());
  }
  const amount =
    typeof value === 'string' && value.trim() ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    return `its value ${JSON.stringify(value)} is not a positive number`;
  }
  const luxonUnit = UNITS[String(unit ?? '').toLowerCase()];
  if (!luxonUnit) {
    return `its unit ${JSON.stringify(
      unit,
    )} is not one of s, m, h, d, w, mo, y`;
  }
  return longTermMs({ [luxonUnit]: amount });
}

/** Whole milliseconds, with average months and years. */
function longTermMs(amounts: DurationLikeObject): number {
  return Math.round(
    Duration.fromObject(amounts, { conversionAccuracy: 'longterm' }).toMillis(),
  );
}
