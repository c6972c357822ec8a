import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ScorecardHistoryPoint } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  TooltipProps,
  XAxis,
  YAxis,
} from 'recharts';
import { dataMeshApiRef } from '../../api';
import { formatDateTime, LevelChip } from '../shared';

type Point = ScorecardHistoryPoint & { time: number };

function formatDay(time: number): string {
  return new Date(time).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
  });
}

function HistoryTooltip(props: TooltipProps<number, string>) {
  const point = props.active ? (props.payload?.[0]?.payload as Point) : null;
  if (!point) return null;
  return (
    <Paper style={{ padding: 8 }}>
      <Typography variant="caption" component="p">
        {formatDateTime(point.evaluatedAt)}
      </Typography>
      <Box display="flex" alignItems="center" gridGap={8}>
        <Typography variant="body2">Score {Math.round(point.score)}</Typography>
        <LevelChip level={point.level} />
      </Box>
    </Paper>
  );
}

/** The score of a product over time as a step line, with its level in the tooltip. */
export function ScoreHistoryChart(props: { points: Point[] }) {
  const theme = useTheme();
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart
        data={props.points}
        margin={{ top: 8, right: 16, bottom: 0, left: -16 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          dataKey="time"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={formatDay}
          stroke={theme.palette.text.secondary}
        />
        <YAxis
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          stroke={theme.palette.text.secondary}
        />
        <Tooltip content={HistoryTooltip} />
        <Line
          type="stepAfter"
          dataKey="score"
          name="Score"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

/**
 * A data product's score over time, one point per evaluation.
 * @public
 */
export function DataProductScoreHistoryCard() {
  const { entity } = useEntity();
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { loading, error, value } = useAsync(
    () => dataMeshApi.getScorecardHistory(entityRef),
    [dataMeshApi, entityRef],
  );

  let content: ReactNode;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else {
    const points = (value?.items ?? [])
      .map(item => ({ ...item, time: Date.parse(item.evaluatedAt) }))
      .filter(point => !Number.isNaN(point.time))
      .sort((a, b) => a.time - b.time);
    if (points.length < 2) {
      content = (
        <Typography variant="body2" color="textSecondary">
          {points.length === 0
            ? 'Not evaluated yet'
            : 'Evaluated once so far: the trend shows from the second evaluation'}
        </Typography>
      );
    } else {
      const first = points[0];
      const last = points[points.length - 1];
      content = (
        <>
          <ScoreHistoryChart points={points} />
          <Typography variant="body2" color="textSecondary">
            {`${points.length} evaluations since ${formatDateTime(
              first.evaluatedAt,
            )}: from ${Math.round(first.score)} to ${Math.round(last.score)}`}
          </Typography>
        </>
      );
    }
  }
  return <InfoCard title="Score trend">{content}</InfoCard>;
}
