import { ScorecardResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { EvaluatedAt, isFailing, LevelChip } from '../shared';

/**
 * A scorecard's score out of 100, its level (and why governance holds it lower), how many
 * applicable checks fail, and when it was evaluated (not for a dry run, which is never stored).
 */
export function ScoreHeader(props: {
  scorecard: Pick<
    ScorecardResponse,
    'score' | 'level' | 'checks' | 'levelCap'
  > & {
    evaluatedAt?: string;
  };
}) {
  const { scorecard } = props;
  const applicable = scorecard.checks.filter(c => c.outcome !== 'skipped');
  const failing = applicable.filter(c => isFailing(c.outcome)).length;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={24} mb={2}>
      <Box display="flex" alignItems="baseline">
        <Typography
          variant="h2"
          component="p"
          aria-label="Score"
          style={{ fontWeight: 'bold', lineHeight: 1 }}
        >
          {Math.round(scorecard.score)}
        </Typography>
        <Typography variant="h6" component="span" color="textSecondary">
          &nbsp;/ 100
        </Typography>
      </Box>
      <Box>
        <Box display="flex" alignItems="center" gridGap={8}>
          <Typography variant="body2" component="span">
            Level
          </Typography>
          <LevelChip level={scorecard.level} />
        </Box>
        <Typography variant="body2" color="textSecondary">
          {failing === 0
            ? `All ${applicable.length} applicable checks pass`
            : `${failing} of ${applicable.length} applicable checks failing`}
        </Typography>
        {scorecard.levelCap && (
          <Typography variant="body2" color="error" aria-label="Level cap">
            {scorecard.levelCap.reason}
          </Typography>
        )}
        {scorecard.evaluatedAt && (
          <EvaluatedAt timestamp={scorecard.evaluatedAt} />
        )}
      </Box>
    </Box>
  );
}
