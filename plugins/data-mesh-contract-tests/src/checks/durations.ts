const UNIT_MS: Record<string, number> = {};
const DAY = 86_400_000;
for (const [names, ms] of [
  [['ms', 'millisecond', 'milliseconds'], 1],
  [['s', 'sec', 'second', 'seconds'], 1000],
  [['m', 'min', 'minute', 'minutes'], 60_000],
  [['h', 'hr', 'hour', 'hours'], 3_600_000],
  [['d', 'day', 'days'], DAY],
  [['w', 'week', 'weeks'], 7 * DAY],
  [['mo', 'month', 'months'], 30.4375 * DAY],
  [['y', 'yr', 'year', 'years'], 365.25 * DAY],
] as Array<[string[], number]>) {
  for (const name of names) UNIT_MS[name] = ms;
}

/** A service level's `value` and `unit` in milliseconds, or why they are not a duration. */
export function durationMs(value: unknown, unit: unknown): number | string {
  const amount = typeof value === 'string' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    return `its value ${JSON.stringify(value)} is not a positive number`;
  }
  const perUnit = UNIT_MS[String(unit ?? '').toLowerCase()];
  if (perUnit === undefined) {
    return `its unit ${JSON.stringify(
      unit,
    )} is not one of s, m, h, d, w, mo, y`;
  }
  return amount * perUnit;
}

/** A duration in the largest unit that keeps it readable, e.g. `3.2 d`. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['y', 365.25 * DAY],
    ['d', DAY],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const [unit, size] = units.find(([, unitMs]) => Math.abs(ms) >= unitMs) ?? [
    'ms',
    1,
  ];
  return `${Number((ms / size).toFixed(1))} ${unit}`;
}
