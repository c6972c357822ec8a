import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { isFailing, RuleResultList } from '../shared';
import { CheckRow } from './scorecardChecks';

/** "Silver level · weight 2": what the check counts for, as words (one badge per row). */
function countsFor(check: CheckRow): string | undefined {
  const { level, weight } = check.definition ?? {};
  const parts = [
    level &&
      `${level.charAt(0).toLocaleUpperCase('en-US')}${level.slice(1)} level`,
    weight !== undefined && weight !== 1 && `weight ${weight}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * Scorecard checks as a list: each with its outcome, the level it counts for, its message and,
 * when it fails, how to fix it and where its evidence is (`evidence`, when given, for a failing
 * check); its rule behind a disclosure.
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
        description: check.definition?.description,
        message: check.message,
        details: (
          <>
            {countsFor(check) && (
              <Typography variant="caption" color="textSecondary" component="p">
                {countsFor(check)}
              </Typography>
            )}
            {isFailing(check.outcome) ? props.evidence?.(check) : undefined}
          </>
        ),
        remediation: isFailing(check.outcome)
          ? check.definition?.remediation
          : undefined,
        code: check.definition && {
          rule: check.definition.rule,
          appliesTo: check.definition.appliesTo,
        },
      }))}
    />
  );
}
