import { GovernanceResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import { EvaluatedAt, formatCount } from '../shared';
import { PolicyResultRow, ResultGroup } from './governanceResults';

const useStyles = makeStyles(theme => ({
  compliant: { color: theme.palette.success.main },
  nonCompliant: { color: theme.palette.error.main },
}));

/**
 * "Compliant" or "Not compliant", what stands out (blocking, warnings, waived) and when (not
 * for a dry run, which is never stored).
 */
export function ComplianceHeadline(props: {
  governance: Pick<GovernanceResponse, 'compliant'> & { evaluatedAt?: string };
  groups: Record<ResultGroup, PolicyResultRow[]>;
}) {
  const classes = useStyles();
  const { governance, groups } = props;
  const counts = [
    groups.blocking.length &&
      formatCount(groups.blocking.length, 'blocking failure'),
    groups.warning.length && formatCount(groups.warning.length, 'warning'),
    groups.waived.length && `${groups.waived.length} waived`,
  ].filter(Boolean);
  return (
    <Box display="flex" alignItems="center" gridGap={16} mb={2}>
      {governance.compliant ? (
        <CheckCircleIcon className={classes.compliant} fontSize="large" />
      ) : (
        <CancelIcon className={classes.nonCompliant} fontSize="large" />
      )}
      <Box>
        <Typography variant="h5" component="p" aria-label="Compliance">
          {governance.compliant ? 'Compliant' : 'Not compliant'}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {counts.length > 0
            ? counts.join(', ')
            : 'All applicable policies pass'}
        </Typography>
        {governance.evaluatedAt && (
          <EvaluatedAt timestamp={governance.evaluatedAt} />
        )}
      </Box>
    </Box>
  );
}
