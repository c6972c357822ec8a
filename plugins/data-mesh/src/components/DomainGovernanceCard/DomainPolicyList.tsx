import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import {
  EnforcementChip,
  PolicyOrigin,
  Remediation,
  SeverityChip,
} from '../shared';
import { OwnPolicy } from './domainPolicies';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.85em',
    wordBreak: 'break-word',
  },
}));

/** One CEL expression of a policy, labelled. */
function Expression(props: { label: string; expression?: string }) {
  const classes = useStyles();
  if (!props.expression) return null;
  return (
    <Typography variant="body2" component="p">
      {props.label}: <code className={classes.code}>{props.expression}</code>
    </Typography>
  );
}

/**
 * A domain's own policies as written: title, severity, enforcement, description, when they
 * apply, their rule and how to comply. A policy hidden by a global or parent-domain policy
 * with the same id says so.
 */
export function DomainPolicyList(props: { policies: OwnPolicy[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label="Policies of this domain">
      {props.policies.map(({ policy, shadowedBy }) => (
        <li key={policy.id} className={classes.item} aria-label={policy.title}>
          <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
            <Typography variant="body2" component="span">
              <strong>{policy.title}</strong>
            </Typography>
            <SeverityChip severity={policy.severity} />
            <EnforcementChip enforcement={policy.enforcement} />
          </Box>
          {policy.description && (
            <Typography variant="caption" color="textSecondary" component="p">
              {policy.description}
            </Typography>
          )}
          {shadowedBy && (
            <Typography variant="body2" color="error" component="p">
              Not in force: the policy with the same id from{' '}
              <PolicyOrigin policy={shadowedBy} /> applies instead.
            </Typography>
          )}
          <Expression label="Applies to" expression={policy.appliesTo} />
          <Expression label="Rule" expression={policy.rule} />
          {policy.remediation && (
            <Remediation label="How to comply">
              {policy.remediation}
            </Remediation>
          )}
        </li>
      ))}
    </ul>
  );
}
