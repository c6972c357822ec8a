const DURATION_PATTERN =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DURATION_UNITS = [
  'year',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
];

/**
 * An ISO-8601 duration in words, e.g. `PT24H` as "24 hours" and `P1DT12H` as "1 day 12 hours".
 * A value that is not a duration is returned as it is.
 */
export function formatIsoDuration(duration: string): string {
  const match = DURATION_PATTERN.exec(duration);
  if (!match) return duration;
  const parts = match
    .slice(1)
    .map((value, index) => {
      if (value === undefined || Number(value) === 0) return undefined;
      const unit = DURATION_UNITS[index];
      return `${value} ${Number(value) === 1 ? unit : `${unit}s`}`;
    })
    .filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

/** A percentage as "99.9 %". */
export function formatPercent(value: number): string {
  return `${value} %`;
}

/** Any YAML value as text: scalars as they are, lists joined, objects as JSON. */
export function formatValue(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
