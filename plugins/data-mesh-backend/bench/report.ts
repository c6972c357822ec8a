/*
 * The scale benchmark's results: one table (metric, SQLite, PostgreSQL, target, pass/miss),
 * printed and written to docs/benchmarks.md with the machine it ran on.
 */
import { execSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export type DatabaseColumn = 'SQLITE_3' | 'POSTGRES_15';

export interface Metric {
  metric: string;
  unit: string;
  /** A figure is within target when `value <= target` (targets are maxima). */
  target?: number;
  /** How the figure was taken, for the notes under the table. */
  how?: string;
}

const values = new Map<string, Partial<Record<DatabaseColumn, number>>>();
const metrics = new Map<string, Metric>();
const loads = new Map<DatabaseColumn, number[]>();

export function record(
  database: DatabaseColumn,
  metric: Metric,
  value: number,
) {
  metrics.set(metric.metric, metric);
  values.set(metric.metric, {
    ...values.get(metric.metric),
    [database]: value,
  });
}

/** Samples the 1-minute load average while a database's run goes on. */
export function sampleLoad(database: DatabaseColumn): () => void {
  const samples = loads.get(database) ?? [];
  loads.set(database, samples);
  samples.push(os.loadavg()[0]);
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5_000);
  return () => {
    clearInterval(timer);
    samples.push(os.loadavg()[0]);
  };
}

function format(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(metric: Metric, row: Partial<Record<DatabaseColumn, number>>) {
  if (metric.target === undefined) return '';
  const figures = Object.values(row).filter(
    (v): v is number => v !== undefined,
  );
  if (figures.length === 0) return '';
  return figures.every(v => v <= metric.target!) ? 'pass' : 'miss';
}

function table(): string[][] {
  return [...metrics.values()].map(metric => {
    const row = values.get(metric.metric) ?? {};
    return [
      `${metric.metric} (${metric.unit})`,
      format(row.SQLITE_3),
      format(row.POSTGRES_15),
      metric.target === undefined ? '' : `< ${format(metric.target)}`,
      verdict(metric, row),
    ];
  });
}

const HEADER = ['metric', 'SQLite', 'PostgreSQL', 'target', 'pass/miss'];

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find(l => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

function nproc(): string {
  try {
    return execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(os.cpus().length);
  }
}

function machine(): string[] {
  const loadText = [...loads]
    .map(([database, samples]) => {
      const max = Math.max(...samples);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return `${database}: mean ${mean.toFixed(2)}, max ${max.toFixed(2)}`;
    })
    .join('; ');
  return [
    `- CPU: ${cpuModel()}, \`nproc\` ${nproc()}`,
    `- memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node ${process.version}, ${os.type()} ${os.release()}`,
    `- 1-minute load average during the run (sampled every 5 s): ${loadText}`,
    `- run at ${new Date().toISOString()}`,
  ];
}

/** The table as fixed-width text, for the console. */
export function printTable(title: string): string {
  const rows = [HEADER, ...table()];
  const widths = HEADER.map((_, c) => Math.max(...rows.map(r => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
      )
      .join('  ');
  return ['', title, ...rows.map(line), '', ...machine(), ''].join('\n');
}

/** The table and the machine as docs/benchmarks.md. */
export function writeMarkdown(
  file: string,
  title: string,
  notes: string[],
  marker = 'scale-bench',
) {
  const rows = table();
  const how = [...metrics.values()]
    .filter(m => m.how)
    .map(m => `- **${m.metric}**: ${m.how}`);
  const section = [
    `<!-- ${marker}:start -->`,
    `## ${title}`,
    '',
    'Written by `yarn bench` (plugins/data-mesh-backend/bench/scale.bench.ts); do not edit by',
    'hand. Speed targets are reported here as pass or miss, never as failing tests.',
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map(r => `| ${r.join(' | ')} |`),
    '',
    '### Machine',
    '',
    ...machine(),
    '',
    ...notes,
    '',
    '### How each figure is taken',
    '',
    ...how,
    `<!-- ${marker}:end -->`,
  ].join('\n');
  // Other benchmarks keep their own marked sections in the same file: only ours is replaced.
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const marked = new RegExp(
    `<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`,
  );
  let text: string;
  if (marked.test(existing)) {
    text = existing.replace(marked, () => section);
  } else if (existing.includes('<!-- scale-bench:end -->')) {
    // Another size's section goes right after the 10,000 one.
    text = existing.replace(
      '<!-- scale-bench:end -->',
      () => `<!-- scale-bench:end -->\n\n${section}`,
    );
  } else if (existing.startsWith('# Benchmarks')) {
    text = `${existing.trimEnd()}\n\n${section}\n`;
  } else {
    text = `# Benchmarks\n\n${section}\n`;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
