import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { MeshInsightResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { DomainComplianceTable } from '../GovernanceDashboardPage/DomainComplianceTable';
import { DenseTable, formatDate, LevelChip, levelColour } from '../shared';

type Insight = MeshInsightResponse;
type ProductStanding = Insight['regressions'][number]['from'];

/** A domain's name for chart axes: its title-less ref without the default namespace. */
function domainLabel(domainRef: string | null): string {
  if (!domainRef) return 'No domain';
  try {
    return humanizeEntityRef(
      parseEntityRef(domainRef, { defaultKind: 'domain' }),
      {
        defaultKind: 'domain',
      },
    );
  } catch {
    return domainRef;
  }
}

function DomainLink(props: { domainRef: string | null }) {
  return props.domainRef ? (
    <EntityRefLink entityRef={props.domainRef} defaultKind="Domain" />
  ) : (
    <Typography variant="body2" color="textSecondary">
      No domain
    </Typography>
  );
}

/** Height of a domain's bar and its label in the levels chart. */
const BAR_ROW_PX = 32;

/**
 * Products per level in each domain, as stacked horizontal bars, one row per domain with its
 * name beside it (every bar labelled, however many domains): the configured levels lowest
 * first, then products below every level.
 */
function LevelsChart(props: { domains: Insight['domains']; levels: string[] }) {
  const theme = useTheme();
  const present = new Set(
    props.domains.flatMap(domain => Object.keys(domain.levelCounts)),
  );
  const levels = [
    ...props.levels.filter(level => present.has(level)),
    ...[...present].filter(
      level => level !== 'none' && !props.levels.includes(level),
    ),
    ...(present.has('none') ? ['none'] : []),
  ];
  const fallback = [
    theme.palette.grey[500],
    theme.palette.info.main,
    theme.palette.secondary.main,
  ];
  const data = props.domains.map(domain => ({
    domain: domainLabel(domain.domainRef),
    ...domain.levelCounts,
  }));
  return (
    <ResponsiveContainer
      width="100%"
      height={Math.max(200, data.length * BAR_ROW_PX + 80)}
    >
      <BarChart
        data={data}
        layout="vertical"
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          type="number"
          allowDecimals={false}
          stroke={theme.palette.text.secondary}
        />
        <YAxis
          type="category"
          dataKey="domain"
          interval={0}
          width={150}
          stroke={theme.palette.text.secondary}
        />
        <Tooltip />
        <Legend />
        {levels.map((level, index) => (
          <Bar
            key={level}
            dataKey={level}
            name={level === 'none' ? 'No level' : level}
            stackId="levels"
            fill={levelColour(level) ?? fallback[index % fallback.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The days of the trend that have a score, oldest first, with their time. */
function trendPoints(trend: Insight['trend']) {
  return trend
    .map(point => ({ ...point, time: Date.parse(point.date) }))
    .filter(point => point.averageScore !== null && !Number.isNaN(point.time))
    .sort((a, b) => a.time - b.time);
}

/** The mesh's average score per day. */
function TrendChart(props: { trend: Insight['trend'] }) {
  const theme = useTheme();
  const data = trendPoints(props.trend);
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart
        data={data}
        margin={{ top: 8, right: 16, bottom: 0, left: -16 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          dataKey="time"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={(time: number) =>
            formatDate(new Date(time).toISOString())
          }
          stroke={theme.palette.text.secondary}
        />
        <YAxis
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          stroke={theme.palette.text.secondary}
        />
        <Tooltip
          labelFormatter={(time: number) =>
            formatDate(new Date(time).toISOString())
          }
          formatter={(score: number) => Math.round(score)}
        />
        <Line
          type="monotone"
          dataKey="averageScore"
          name="Average score"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

/**
 * What the trend card says before it has two days to draw: why, and the one figure it has.
 */
function TrendNotYet(props: { insight: Insight }) {
  const [first] = trendPoints(props.insight.trend);
  const average = first?.averageScore ?? props.insight.averageScore;
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      <Typography variant="body2" color="textSecondary">
        {first
          ? `The data products have been evaluated on one day so far (${formatDate(
              first.date,
            )}); the trend is drawn from the second day of evaluations.`
          : 'No day of evaluations is recorded yet; the trend is drawn from the second day of evaluations.'}
      </Typography>
      {average !== null && average !== undefined && (
        <Typography variant="body1">
          Average score so far: <strong>{Math.round(average)} / 100</strong>
        </Typography>
      )}
    </Box>
  );
}

function roundedScore(value: number | null) {
  return value === null ? '—' : Math.round(value);
}

type LeaderRow = Insight['leaderboard'][number];

const LEADERBOARD_COLUMNS: TableColumn<LeaderRow>[] = [
  {
    title: '#',
    field: 'rank',
    type: 'numeric',
    defaultSort: 'asc',
    // Narrow numbers, so that domain names break between words, not inside them.
    width: '56px',
  },
  {
    title: 'Domain',
    field: 'domainRef',
    render: row => <DomainLink domainRef={row.domainRef} />,
  },
  {
    title: 'Average score',
    field: 'averageScore',
    type: 'numeric',
    width: '96px',
    render: row => roundedScore(row.averageScore),
  },
  { title: 'Products', field: 'products', type: 'numeric', width: '88px' },
];

type WorseRow = Insight['regressions'][number];

function Standing(props: { standing: ProductStanding }) {
  const { standing } = props;
  return (
    <Box display="flex" alignItems="center" gridGap={8}>
      <Typography variant="body2">{Math.round(standing.score)}</Typography>
      <LevelChip level={standing.level} />
      <Typography variant="body2" color="textSecondary">
        {standing.compliant ? 'compliant' : 'not compliant'}
      </Typography>
    </Box>
  );
}

const WORSENED_COLUMNS: TableColumn<WorseRow>[] = [
  {
    title: 'Data product',
    field: 'entityRef',
    render: row => (
      <EntityRefLink entityRef={row.entityRef} defaultKind="DataProduct" />
    ),
  },
  { title: 'Before', render: row => <Standing standing={row.from} /> },
  { title: 'Now', render: row => <Standing standing={row.to} /> },
];

/** Scores and compliance of the mesh: per domain, over time, what got worse, the best domains. */
export function MeshInsight() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getInsight(),
    [dataMeshApi],
  );
  // Orders the levels in the chart; without it they show in the order they occur.
  const { value: rules } = useAsync(
    () => dataMeshApi.getRules(),
    [dataMeshApi],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || (value.products === 0 && value.domains.length === 0)) {
    return (
      <EmptyState
        missing="data"
        title="No insight yet"
        description="The mesh's scores and compliance show here once the data mesh backend has evaluated its data products."
      />
    );
  }
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} lg={6}>
        <InfoCard title="Levels per domain">
          {value.domains.length > 0 ? (
            <LevelsChart domains={value.domains} levels={rules?.levels ?? []} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              No evaluated data product belongs to a domain
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard title="Average score over time">
          {trendPoints(value.trend).length > 1 ? (
            <TrendChart trend={value.trend} />
          ) : (
            <TrendNotYet insight={value} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard title="Compliance per domain">
          <DomainComplianceTable domains={value.domains} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard title="Domain leaderboard" subheader="By average score">
          <DenseTable
            label="Domain leaderboard"
            columns={LEADERBOARD_COLUMNS}
            data={value.leaderboard}
            emptyText="No domain has evaluated data products"
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Worse this week"
          subheader="Data products whose score dropped, or that stopped complying, in the last seven days"
        >
          <DenseTable
            label="Data products that got worse"
            columns={WORSENED_COLUMNS}
            data={value.regressions}
            emptyText="No data product got worse this week"
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
