import {
  RuleOutcome,
  ScorecardCheckDefinition,
  ScorecardResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { isFailing } from '../shared';

/** A check result with its definition (title, category, level, remediation). */
export interface CheckRow {
  id: string;
  outcome: RuleOutcome;
  message?: string;
  title: string;
  category: string;
  definition?: ScorecardCheckDefinition;
}

/** Checks without a category are listed under this heading, after the others. */
export const OTHER_CATEGORY = 'Other';

const OUTCOME_ORDER: Record<RuleOutcome, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  waived: 3,
  skipped: 4,
};

/**
 * The checks of a scorecard for display: applicable checks grouped by category (categories
 * with failures first, then by name, uncategorised last), failing checks first in each
 * category, then by level; skipped checks apart.
 */
export function groupChecks(
  scorecard: Pick<ScorecardResponse, 'checks' | 'definitions' | 'levels'>,
): {
  categories: Array<{ name: string; checks: CheckRow[] }>;
  skipped: CheckRow[];
} {
  const definitions = new Map(scorecard.definitions.map(d => [d.id, d]));
  const levelIndex = (row: CheckRow) => {
    const index = row.definition?.level
      ? scorecard.levels.indexOf(row.definition.level)
      : -1;
    return index === -1 ? scorecard.levels.length : index;
  };
  const byPriority = (a: CheckRow, b: CheckRow) =>
    OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] ||
    levelIndex(a) - levelIndex(b) ||
    a.title.localeCompare(b.title);

  const rows: CheckRow[] = scorecard.checks.map(result => {
    const definition = definitions.get(result.id);
    return {
      ...result,
      definition,
      title: definition?.title ?? result.id,
      category: definition?.category ?? OTHER_CATEGORY,
    };
  });

  const groups = new Map<string, CheckRow[]>();
  for (const row of rows.filter(r => r.outcome !== 'skipped')) {
    groups.set(row.category, [...(groups.get(row.category) ?? []), row]);
  }
  const failures = (checks: CheckRow[]) =>
    checks.filter(c => isFailing(c.outcome)).length;
  const categories = [...groups.entries()]
    .map(([name, checks]) => ({ name, checks: checks.sort(byPriority) }))
    .sort(
      (a, b) =>
        Number(failures(b.checks) > 0) - Number(failures(a.checks) > 0) ||
        Number(a.name === OTHER_CATEGORY) - Number(b.name === OTHER_CATEGORY) ||
        a.name.localeCompare(b.name),
    );
  return {
    categories,
    skipped: rows.filter(r => r.outcome === 'skipped').sort(byPriority),
  };
}
