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
import { ReactNode } from 'react';

const OUTCOME_LABELS: Record<RuleOutcome, string> = {
  pass: 'Passed',
  fail: 'Failed',
  error: 'Error',
  skipped: 'Not applicable',
  waived: 'Waived',
};

/** Whether an outcome needs fixing. */
export function isFailing(outcome: RuleOutcome): boolean {
  return outcome === 'fail' || outcome === 'error';
}

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
  rule: {
    marginTop: theme.spacing(0.5),
    '& > summary': {
      cursor: 'pointer',
      color: theme.palette.text.secondary,
      fontSize: theme.typography.caption.fontSize,
    },
  },
  code: {
    display: 'block',
    margin: theme.spacing(0.5, 0, 0),
    padding: theme.spacing(0.5, 1),
    backgroundColor: theme.palette.background.default,
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
  remediation: {
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.palette.warning.main}`,
    backgroundColor: theme.palette.background.default,
  },
}));

/** How to fix a rule's failure, or comply with it, set off from the text around it. */
export function Remediation(props: { label?: string; children: string }) {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="p" className={classes.remediation}>
      <strong>{props.label ?? 'How to fix'}: </strong>
      {props.children}
    </Typography>
  );
}

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
 * A rule's CEL code, behind a disclosure: people read the title and the message; the code is
 * for those who want to know exactly what is tested.
 */
export function RuleCode(props: { rule: string; appliesTo?: string }) {
  const classes = useStyles();
  return (
    <details className={classes.rule}>
      <summary>Rule</summary>
      {props.appliesTo && (
        <Typography variant="caption" component="div">
          Applies when
          <code className={classes.code}>{props.appliesTo}</code>
        </Typography>
      )}
      <Typography variant="caption" component="div">
        Passes when
        <code className={classes.code}>{props.rule}</code>
      </Typography>
    </details>
  );
}

/** One rule's result for one product: a scorecard check or a governance policy. */
export interface RuleResultItem {
  id: string;
  title: string;
  outcome: RuleOutcome;
  description?: string;
  /** Lines under the description, such as where the rule comes from. */
  details?: ReactNode;
  message?: string;
  /** How to fix it; the caller passes it only when it is worth showing. */
  remediation?: string;
  /** The rule's CEL code, shown only on demand. */
  code?: { rule: string; appliesTo?: string };
  /** A button at the end of the title line. */
  action?: ReactNode;
}

/**
 * Rule results as a list: each with its title and one outcome badge (icon and chip: nothing
 * else on the line competes with it), its description, details, message, how to fix it and its
 * code behind a disclosure. Items are labelled by title, and carry their outcome as
 * `data-outcome`.
 */
export function RuleResultList(props: {
  label: string;
  items: RuleResultItem[];
}) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label={props.label}>
      {props.items.map(item => {
        const outcome = OUTCOME_LABELS[item.outcome] ? item.outcome : 'error';
        return (
          <li
            key={item.id}
            className={classes.item}
            aria-label={item.title}
            data-outcome={item.outcome}
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
                  <strong>{item.title}</strong>
                </Typography>
                <Chip
                  size="small"
                  label={OUTCOME_LABELS[outcome]}
                  className={classes[`${outcome}Chip`]}
                  variant={outcome === 'skipped' ? 'outlined' : 'default'}
                />
                {item.action && <Box ml="auto">{item.action}</Box>}
              </Box>
              {item.description && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  {item.description}
                </Typography>
              )}
              {item.details}
              {item.message && (
                <Typography variant="body2" component="p">
                  {item.message}
                </Typography>
              )}
              {item.remediation && (
                <Remediation>{item.remediation}</Remediation>
              )}
              {item.code?.rule && (
                <RuleCode
                  rule={item.code.rule}
                  appliesTo={item.code.appliesTo}
                />
              )}
            </Box>
          </li>
        );
      })}
    </ul>
  );
}
