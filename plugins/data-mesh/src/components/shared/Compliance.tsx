import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatPercent } from './format';

/** The share of compliant products, 0-100, rounded down so that 99.6 % is not "100 %". */
export function compliancePercent(compliant: number, total: number): number {
  return total > 0 ? Math.floor((compliant / total) * 100) : 0;
}

const useStyles = makeStyles(theme => ({
  // Compliant products in green on a red track of the non-compliant ones.
  root: {
    height: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.error.light,
  },
  bar: { backgroundColor: theme.palette.success.main },
}));

/** The share of compliant products as a green bar on red. */
export function ComplianceBar(props: {
  compliant: number;
  total: number;
  label: string;
}) {
  const classes = useStyles();
  return (
    <LinearProgress
      variant="determinate"
      value={compliancePercent(props.compliant, props.total)}
      classes={{ root: classes.root, bar: classes.bar }}
      aria-label={props.label}
    />
  );
}

/** "4 of 6 data products compliant (66 %)" in large type, over a {@link ComplianceBar}. */
export function ProductCompliance(props: { compliant: number; total: number }) {
  const { compliant, total } = props;
  return (
    <Box>
      <Box display="flex" alignItems="baseline" flexWrap="wrap" gridGap={8}>
        <Typography
          variant="h3"
          component="p"
          aria-label="Products compliant"
          style={{ fontWeight: 'bold', lineHeight: 1 }}
        >
          {compliant} of {total}
        </Typography>
        <Typography variant="body1" color="textSecondary">
          data {total === 1 ? 'product' : 'products'} compliant (
          {formatPercent(compliancePercent(compliant, total))})
        </Typography>
      </Box>
      <Box mt={1}>
        <ComplianceBar
          compliant={compliant}
          total={total}
          label="Share of compliant products"
        />
      </Box>
    </Box>
  );
}
