import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { RuleOutcome } from '@datamesh-portal/plugin-data-mesh-common';
import { LevelChip } from '../shared';
import { CheckRow, isFailing } from './scorecardChecks';

const OUTCOME_LABELS: Record<RuleOutcome, string> = {
  pass: 'Passed',
  fail: 'Failed',
  error: 'Error',
  skipped: 'Not applicable',
  waived: 'Waived',
};

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'flex',
    gap: theme.spacing(1.5),
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  pass: { color: theme.palette.success.main },
  fail: { color: theme.palette.error.main },
  error: { color: theme.palette.warning.main },
  waived: { color: theme.palette.info.main },
  skipped: { color: theme.palette.text.disabled },
  passChip: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  failChip: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  errorChip: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  waivedChip: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  skippedChip: {},
  remediation: {
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.palette.warning.main}`,
    backgroundColor: theme.palette.background.default,
  },
}));

function OutcomeIcon(props: { outcome: RuleOutcome; className: string }) {
  const iconProps = { className: props.className, fontSize: 'small' as const };
  switch (props.outcome) {
    case 'pass':
      return <CheckCircleIcon {...iconProps} />;
    case 'fail':
      return <CancelIcon {...iconProps} />;
    case 'error':
      return <ErrorIcon {...iconProps} />;
    case 'waived':
      return <VerifiedUserIcon {...iconProps} />;
    default:
      return <RemoveCircleOutlineIcon {...iconProps} />;
  }
}

/**
 * Scorecard checks as a list: each with an outcome icon and chip, its level, its message and,
 * when it fails, how to fix it.
 */
export function CheckList(props: { label: string; checks: CheckRow[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label={props.label}>
      {props.checks.map(check => {
        const outcome = OUTCOME_LABELS[check.outcome] ? check.outcome : 'error';
        return (
          <li
            key={check.id}
            className={classes.item}
            aria-label={check.title}
            data-outcome={check.outcome}
          >
            <Box pt={0.25}>
              <OutcomeIcon outcome={outcome} className={classes[outcome]} />
            </Box>
            <Box flex={1} minWidth={0}>
              <Box
                display="flex"
                alignItems="center"
                flexWrap="wrap"
                gridGap={8}
              >
                <Typography variant="body2" component="span">
                  <strong>{check.title}</strong>
                </Typography>
                <Chip
                  size="small"
                  label={OUTCOME_LABELS[outcome]}
                  className={classes[`${outcome}Chip`]}
                  variant={outcome === 'skipped' ? 'outlined' : 'default'}
                />
                {check.definition?.level && (
                  <LevelChip level={check.definition.level} />
                )}
              </Box>
              {check.definition?.description && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  {check.definition.description}
                </Typography>
              )}
              {check.message && (
                <Typography variant="body2" component="p">
                  {check.message}
                </Typography>
              )}
              {isFailing(check.outcome) && check.definition?.remediation && (
                <Typography
                  variant="body2"
                  component="p"
                  className={classes.remediation}
                >
                  <strong>How to fix: </strong>
                  {check.definition.remediation}
                </Typography>
              )}
            </Box>
          </li>
        );
      })}
    </ul>
  );
}
