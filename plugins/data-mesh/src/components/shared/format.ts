import { parseIsoDuration } from '@datamesh-portal/plugin-data-mesh-common';

/**
 * An ISO-8601 duration in words, e.g. `PT24H` as "24 hours" and `P1DT12H` as "1 day 12 hours".
 * A value that is not a duration is returned as it is.
 */
export function formatIsoDuration(duration: string): string {
  const units = parseIsoDuration(duration);
  if (!units) return duration;
  const parts = Object.entries(units)
    .filter(([, value]) => value)
    // `days` as "1 day", "2 days"
    .map(
      ([unit, value]) => `${value} ${value === 1 ? unit.slice(0, -1) : unit}`,
    );
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

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago (or in how long) a timestamp is, in words: "just now", "5 minutes ago",
 * "yesterday", "3 months ago". An invalid timestamp is returned as it is.
 */
export function formatRelativeTime(
  timestamp: string,
  now: number = Date.now(),
): string {
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return timestamp;
  const seconds = Math.round((time - now) / 1000);
  if (Math.abs(seconds) < 60) return 'just now';
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return format.format(Math.trunc(seconds / 60), 'minute');
}

/** A timestamp as a local date and time, e.g. "12 May 2025, 14:03". */
export function formatDateTime(timestamp: string): string {
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) return timestamp;
  return time.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A timestamp as a local date, e.g. "12 May 2025". */
export function formatDate(timestamp: string): string {
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) return timestamp;
  return time.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

/** A count with its noun, e.g. "1 warning", "3 warnings", "2 policies". */
export function formatCount(
  count: number,
  singular: string,
  plural = `${singular}s`,
): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
