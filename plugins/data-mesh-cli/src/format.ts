import {
  GovernancePolicy,
  GovernanceResult,
  ScorecardCheckDefinition,
  ScorecardCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import type { CheckReport, ProductReport } from './check';

/** The line printed when rules could not see the product's related entities. */
export const UNRESOLVED_NOTE =
  'owner, domain and upstream are not resolved: pass --entities';

const isFailing = (outcome: string) =>
  outcome === 'fail' || outcome === 'error';

function policyOf(
  product: ProductReport,
  result: GovernanceResult,
): GovernancePolicy | undefined {
  return product.policies.find(
    p =>
      p.id === result.id &&
      (result.domainRef ? p.domainRef === result.domainRef : !p.domainRef),
  );
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** Outcome details: the engine's message, then how to fix it. */
function details(
  lines: string[],
  message: string | undefined,
  outcome: string,
  remediation: string | undefined,
) {
  const indent = '      ';
  if (message) {
    lines.push(
      `${indent}${outcome === 'error' ? 'could not evaluate: ' : ''}${message}`,
    );
  } else if (outcome === 'error') {
    lines.push(`${indent}could not evaluate the rule`);
  }
  if (remediation) lines.push(`${indent}fix: ${remediation}`);
}

function policyLine(
  label: string,
  product: ProductReport,
  result: GovernanceResult,
): string[] {
  const policy = policyOf(product, result);
  const title =
    policy?.title && policy.title !== result.id ? `: ${policy.title}` : '';
  const origin = result.domainRef ? ` (policy of ${result.domainRef})` : '';
  const lines = [`  ${label.padEnd(9)} ${result.id}${title}${origin}`];
  details(lines, result.message, result.outcome, policy?.remediation);
  return lines;
}

function checkLine(
  check: ScorecardCheckResult,
  definition: ScorecardCheckDefinition | undefined,
): string[] {
  const title = definition?.title ? `: ${definition.title}` : '';
  const level = definition?.level ? ` [${definition.level}]` : '';
  const lines = [`  ${'CHECK'.padEnd(9)} ${check.id}${title}${level}`];
  details(lines, check.message, check.outcome, definition?.remediation);
  return lines;
}

function countOutcomes(
  outcomes: string[],
  noun: string,
  nouns: string,
): string {
  const passed = outcomes.filter(o => o === 'pass').length;
  const skipped = outcomes.filter(o => o === 'skipped').length;
  const waived = outcomes.filter(o => o === 'waived').length;
  const extra = [
    skipped ? `${skipped} not applicable` : '',
    waived ? `${waived} waived` : '',
  ].filter(Boolean);
  return `${plural(passed, noun, nouns)} passed${
    extra.length ? ` (${extra.join(', ')})` : ''
  }`;
}

/**
 * One product as text: its verdict, the failing policies (blocking ones first and marked),
 * warnings, failing checks, then how many passed.
 */
export function formatProduct(product: ProductReport): string {
  const { scorecard, governance } = product;
  const lines = [
    `${product.entityRef}  ${
      governance.compliant ? 'COMPLIANT' : 'NOT COMPLIANT'
    }  score ${scorecard.score}  level ${scorecard.level ?? 'none'}  (${
      product.file
    }, line ${product.line})`,
  ];
  if (product.unresolved.length) {
    lines.push(`  not found in --entities: ${product.unresolved.join(', ')}`);
  }
  const failing = governance.results.filter(r => isFailing(r.outcome));
  const severe = failing.filter(r => r.severity === 'error');
  for (const result of [
    ...severe.filter(r => r.blocking),
    ...severe.filter(r => !r.blocking),
  ]) {
    lines.push(
      ...policyLine(result.blocking ? 'BLOCKING' : `FAILING`, product, result),
    );
  }
  for (const result of failing.filter(r => r.severity !== 'error')) {
    lines.push(...policyLine('WARNING', product, result));
  }
  const definitions = new Map(product.checkDefinitions.map(d => [d.id, d]));
  for (const check of scorecard.checks.filter(c => isFailing(c.outcome))) {
    lines.push(...checkLine(check, definitions.get(check.id)));
  }
  const policies = governance.results.map(r => r.outcome);
  const checks = scorecard.checks.map(c => c.outcome);
  lines.push(
    `  ${countOutcomes(policies, 'policy', 'policies')}; ${countOutcomes(
      checks,
      'check',
      'checks',
    )}`,
  );
  return lines.join('\n');
}

/** The whole report as text. */
export function formatText(report: CheckReport): string {
  const parts: string[] = [];
  if (!report.entitiesResolved) parts.push(UNRESOLVED_NOTE);
  for (const product of report.products) parts.push(formatProduct(product));
  const compliant = report.products.filter(p => p.governance.compliant).length;
  const others = report.products.length - compliant;
  parts.push(
    `${plural(report.products.length, 'product')} checked${
      report.mode === 'portal' ? ' by the portal' : ''
    }: ${compliant} compliant, ${others} not compliant`,
  );
  return `${parts.join('\n\n')}\n`;
}

/** The report as JSON: `{ products: [{ entityRef, scorecard, governance }] }`. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      products: report.products.map(({ entityRef, scorecard, governance }) => ({
        entityRef,
        scorecard,
        governance,
      })),
    },
    null,
    2,
  )}\n`;
}
