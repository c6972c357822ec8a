const DAY = 86_400_000;

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
