import type {
  ContractCheck,
  ContractTestResult,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { XMLBuilder } from 'fast-xml-parser';

/** The results of one contract file. */
export interface TestedContract {
  /** The file as the user named it. */
  file: string;
  result: ContractTestResult;
}

// Control characters (C0 but tab and newline, DEL, C1): a measured value is read from the
// data, so it may hold terminal escape sequences; they are shown, never obeyed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text with control characters written as `\\u001b`, so a terminal shows them. */
export function escapeControl(text: string): string {
  return text.replace(
    CONTROL,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A measured or expected value on one line: strings as they are, others as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  const text =
    typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return escapeControl(text).replace(/\s*[\n\t]\s*/g, ' ');
}

/** Where a check looks: `object` or `object.property`. */
function target(check: ContractCheck): string {
  return check.property ? `${check.object}.${check.property}` : check.object;
}

/** The check's metric, with the quality rule's name when it has one. */
function metric(check: ContractCheck): string {
  return check.name ? `${check.metric} (${check.name})` : check.metric;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** Whether a contract's checks all pass (skipped checks do not count against it). */
export function contractPassed(result: ContractTestResult): boolean {
  return result.summary.failed === 0 && result.summary.errors === 0;
}

/** Longest a cell of the text table gets; longer values end in `…` (JSON keeps them whole). */
const MAX_CELL = 40;

function cell(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

const OUTCOME_LABELS: Record<ContractCheck['outcome'], string> = {
  pass: 'pass',
  fail: 'FAIL',
  error: 'ERROR',
  skipped: 'skipped',
};

const TEXT_ORDER: Record<ContractCheck['outcome'], number> = {
  fail: 0,
  error: 1,
  pass: 2,
  skipped: 2,
};

function summaryLine(result: ContractTestResult): string {
  const { passed, failed, errors, skipped } = result.summary;
  return `${passed} passed, ${failed} failed, ${plural(
    errors,
    'error',
  )}, ${skipped} skipped`;
}

/**
 * One contract as text: a heading (id, version, server, file), a table of its checks (outcome,
 * object and property, metric, measured, expected, message; failures first) and its counts.
 */
function formatContract({ file, result }: TestedContract): string {
  const lines = [
    `${escapeControl(result.id)} ${escapeControl(result.version)}  ${
      contractPassed(result) ? 'PASSED' : 'FAILED'
    }  server ${escapeControl(result.server)}  (${escapeControl(file)})`,
  ];
  const rows = [...result.checks]
    // Failures first, then checks that could not be made, each in the contract's order.
    .sort((a, b) => TEXT_ORDER[a.outcome] - TEXT_ORDER[b.outcome])
    .map(check => [
      OUTCOME_LABELS[check.outcome] ?? escapeControl(String(check.outcome)),
      cell(formatValue(target(check))),
      cell(formatValue(metric(check))),
      cell(formatValue(check.measured)),
      cell(formatValue(check.expected)),
      formatValue(check.message),
    ]);
  if (rows.length === 0) {
    lines.push('  no checks');
  } else {
    const header = [
      'OUTCOME',
      'CHECKED',
      'METRIC',
      'MEASURED',
      'EXPECTED',
      'MESSAGE',
    ];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map(row => row[column].length)),
    );
    for (const row of [header, ...rows]) {
      lines.push(
        `  ${row
          .map((text, column) =>
            column === row.length - 1 ? text : text.padEnd(widths[column]),
          )
          .join('  ')
          .trimEnd()}`,
      );
    }
  }
  lines.push(`  ${summaryLine(result)}`);
  return lines.join('\n');
}

/** Every contract's table, then how many contracts passed. */
export function formatTestText(contracts: TestedContract[]): string {
  const passed = contracts.filter(c => contractPassed(c.result)).length;
  return `${[
    ...contracts.map(formatContract),
    `${plural(contracts.length, 'contract')} tested: ${passed} passed, ${
      contracts.length - passed
    } failed`,
  ].join('\n\n')}\n`;
}

/**
 * The results as JSON: `{ contracts: [{ id, version, server, file, startedAt, finishedAt,
 * summary, checks }] }`, each check as the engine (and the portal) gives it.
 */
export function formatTestJson(contracts: TestedContract[]): string {
  return `${JSON.stringify(
    {
      contracts: contracts.map(({ file, result }) => ({
        id: result.id,
        version: result.version,
        server: result.server,
        file,
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        summary: result.summary,
        checks: result.checks,
      })),
    },
    null,
    2,
  )}\n`;
}

// Characters XML 1.0 cannot hold at all, even escaped (a value read from the data may).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xmlText(text: string): string {
  return text.replace(NOT_XML, '\ufffd');
}

function seconds(from: string, to: string): string {
  const duration = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(duration) && duration >= 0 ? duration.toFixed(3) : '0';
}

function checkDetails(check: ContractCheck): string {
  return [
    check.message,
    check.measured !== undefined
      ? `measured: ${formatValue(check.measured)}`
      : '',
    check.expected !== undefined
      ? `expected: ${formatValue(check.expected)}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function testCase(result: ContractTestResult, check: ContractCheck) {
  const details = xmlText(checkDetails(check));
  const message = xmlText(check.message ?? `${check.metric} ${check.outcome}`);
  const testcase: Record<string, unknown> = {
    '@_classname': xmlText(`${result.id}.${check.object}`),
    '@_name': xmlText(`${target(check)} ${metric(check)}`),
  };
  if (check.outcome === 'fail') {
    testcase.failure = {
      '@_message': message,
      '@_type': check.metric,
      '#text': details,
    };
  } else if (check.outcome === 'error') {
    testcase.error = {
      '@_message': message,
      '@_type': check.metric,
      '#text': details,
    };
  } else if (check.outcome === 'skipped') {
    testcase.skipped = check.message ? { '@_message': message } : '';
  } else if (details) {
    testcase['system-out'] = details;
  }
  return testcase;
}

/**
 * The results as JUnit XML, as CI systems read them: one `testsuite` per contract (named by
 * its id and version, with its server and file as properties), one `testcase` per check with a
 * `failure`, `error` or `skipped` element. Every text is escaped, and characters XML cannot
 * hold are replaced.
 */
export function formatTestJunit(contracts: TestedContract[]): string {
  const total = (key: 'failed' | 'errors' | 'skipped') =>
    contracts.reduce((sum, c) => sum + c.result.summary[key], 0);
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'data-mesh-check test',
      '@_tests': contracts.reduce((sum, c) => sum + c.result.checks.length, 0),
      '@_failures': total('failed'),
      '@_errors': total('errors'),
      '@_skipped': total('skipped'),
      testsuite: contracts.map(({ file, result }) => ({
        '@_name': xmlText(`${result.id} ${result.version}`),
        '@_tests': result.checks.length,
        '@_failures': result.summary.failed,
        '@_errors': result.summary.errors,
        '@_skipped': result.summary.skipped,
        '@_timestamp': result.startedAt,
        '@_time': seconds(result.startedAt, result.finishedAt),
        properties: {
          property: [
            { '@_name': 'server', '@_value': xmlText(result.server) },
            { '@_name': 'file', '@_value': xmlText(file) },
          ],
        },
        testcase: result.checks.map(check => testCase(result, check)),
      })),
    },
  });
  return xml.endsWith('\n') ? xml : `${xml}\n`;
}
