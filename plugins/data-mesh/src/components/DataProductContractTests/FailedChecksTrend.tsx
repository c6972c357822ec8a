import { ContractTestHistoryPoint } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatDateTime } from '../shared';

const HEIGHT = 32;

const useStyles = makeStyles(theme => ({
  bars: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: 3,
    height: HEIGHT,
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  bar: { width: 8, display: 'flex', flexDirection: 'column-reverse' },
  failed: { backgroundColor: theme.palette.error.main },
  errors: { backgroundColor: theme.palette.warning.main },
  clean: { height: 2, backgroundColor: theme.palette.success.main },
}));

function failing(point: ContractTestHistoryPoint): number {
  return point.summary.failed + point.summary.errors;
}

function describe(point: ContractTestHistoryPoint): string {
  const { failed, errors, passed } = point.summary;
  return `${formatDateTime(point.finishedAt)}${
    point.version ? ` (version ${point.version})` : ''
  }: ${failed} failed, ${errors} errors, ${passed} passed`;
}

/**
 * Failed checks (red) and checks that could not be made (orange) in the recent runs of a
 * contract, oldest first, as small bars; a run without either is a thin green line. Each bar
 * tells its run on hover, and the whole reads as text for screen readers.
 */
export function FailedChecksTrend(props: {
  history: ContractTestHistoryPoint[];
}) {
  const classes = useStyles();
  const { history } = props;
  if (history.length < 2) return null;
  const max = Math.max(1, ...history.map(failing));
  const scale = (count: number) => Math.round((count / max) * HEIGHT);
  const first = failing(history[0]);
  const last = failing(history[history.length - 1]);
  return (
    <Box display="flex" alignItems="flex-end" gridGap={12}>
      <div
        className={classes.bars}
        role="img"
        aria-label={`Failed checks and errors in the last ${
          history.length
        } runs, oldest first: ${history.map(failing).join(', ')}`}
      >
        {history.map(point => (
          <div
            key={point.runId}
            className={classes.bar}
            title={describe(point)}
          >
            {failing(point) === 0 ? (
              <div className={classes.clean} />
            ) : (
              <>
                <div
                  className={classes.failed}
                  style={{ height: scale(point.summary.failed) }}
                />
                <div
                  className={classes.errors}
                  style={{ height: scale(point.summary.errors) }}
                />
              </>
            )}
          </div>
        ))}
      </div>
      <Typography variant="caption" color="textSecondary">
        failed checks and errors, last {history.length} runs: {first} → {last}
      </Typography>
    </Box>
  );
}
