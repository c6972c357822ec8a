import { ReactNode } from 'react';
import { isFailing, LevelChip, RuleResultList } from '../shared';
import { CheckRow } from './scorecardChecks';

/**
 * Scorecard checks as a list: each with its outcome, its level, its message and, when it
 * fails, how to fix it and where its evidence is (`evidence`, when given, for a failing check).
 */
export function CheckList(props: {
  label: string;
  checks: CheckRow[];
  evidence?: (check: CheckRow) => ReactNode;
}) {
  return (
    <RuleResultList
      label={props.label}
      items={props.checks.map(check => ({
        id: check.id,
        title: check.title,
        outcome: check.outcome,
        chips: check.definition?.level && (
          <LevelChip level={check.definition.level} />
        ),
        description: check.definition?.description,
        message: check.message,
        details: isFailing(check.outcome) ? props.evidence?.(check) : undefined,
        remediation: isFailing(check.outcome)
          ? check.definition?.remediation
          : undefined,
      }))}
    />
  );
}
