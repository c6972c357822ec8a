import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { ScorecardRollupResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { LevelChip, levelColour, SimpleTable } from '../shared';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: theme.spacing(1.5),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    margin: theme.spacing(1, 0),
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.25),
    height: theme.spacing(1.25),
    borderRadius: 2,
    marginRight: theme.spacing(0.5),
  },
}));

/** The levels of a rollup in order: none first, then the configured order, then any others. */
function orderLevels(counts: Record<string, number>, levels: string[]) {
  const keys = Object.keys(counts);
  return [
    ...(keys.includes('none') ? ['none'] : []),
    ...levels.filter(level => keys.includes(level)),
    ...keys.filter(key => key !== 'none' && !levels.includes(key)).sort(),
  ];
}

/** How many products are at each level, as one horizontal bar of segments and a legend. */
function LevelDistribution(props: {
  counts: Record<string, number>;
  levels: string[];
}) {
  const classes = useStyles();
  const theme = useTheme();
  const levels = orderLevels(props.counts, props.levels);
  const total = levels.reduce((sum, level) => sum + props.counts[level], 0);
  const fallback = [
    theme.palette.info.light,
    theme.palette.info.main,
    theme.palette.info.dark,
  ];
  const colour = (level: string, index: number) =>
    level === 'none'
      ? theme.palette.grey[400]
      : levelColour(level) ?? fallback[index % fallback.length];
  const label = (level: string) => (level === 'none' ? 'No level' : level);
  if (total === 0) return null;
  return (
    <Box mb={2}>
      <div className={classes.bar} aria-hidden="true">
        {levels.map((level, index) =>
          props.counts[level] > 0 ? (
            <div
              key={level}
              title={`${label(level)}: ${props.counts[level]}`}
              style={{
                width: `${(props.counts[level] / total) * 100}%`,
                backgroundColor: colour(level, index),
              }}
            />
          ) : null,
        )}
      </div>
      <ul className={classes.legend} aria-label="Products per level">
        {levels.map((level, index) => (
          <li key={level}>
            <Typography variant="body2" component="span">
              <span
                className={classes.swatch}
                style={{ backgroundColor: colour(level, index) }}
              />
              <span style={{ textTransform: 'capitalize' }}>
                {label(level)}
              </span>
              : {props.counts[level]}
            </Typography>
          </li>
        ))}
      </ul>
    </Box>
  );
}

function RollupContent(props: {
  rollup: ScorecardRollupResponse;
  levels: string[];
}) {
  const { rollup } = props;
  return (
    <>
      <Box display="flex" alignItems="baseline" gridGap={24} mb={1}>
        <Box>
          <Typography variant="overline" component="p" color="textSecondary">
            Average score
          </Typography>
          <Typography
            variant="h3"
            component="p"
            aria-label="Average score"
            style={{ fontWeight: 'bold', lineHeight: 1 }}
          >
            {rollup.averageScore === null
              ? '—'
              : Math.round(rollup.averageScore)}
          </Typography>
        </Box>
        <Box>
          <Typography variant="overline" component="p" color="textSecondary">
            Products
          </Typography>
          <Typography
            variant="h3"
            component="p"
            aria-label="Products evaluated"
            style={{ lineHeight: 1 }}
          >
            {rollup.products}
          </Typography>
        </Box>
      </Box>
      <LevelDistribution counts={rollup.levelCounts} levels={props.levels} />
      {rollup.worst.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h3">
            Lowest scores
          </Typography>
          <SimpleTable
            label="Lowest scores"
            headers={['Data product', 'Score', 'Level']}
            nowrap={['Score', 'Level']}
            rows={rollup.worst.map(product => ({
              key: product.entityRef,
              cells: [
                <EntityRefLink
                  entityRef={product.entityRef}
                  defaultKind="DataProduct"
                />,
                Math.round(product.score),
                <LevelChip level={product.level} />,
              ],
            }))}
          />
        </>
      )}
    </>
  );
}

/**
 * The scorecards of the data products of the page's domain or owner: average score, how many
 * products are at each level, and the lowest-scoring products.
 */
export function ScorecardRollupCard(props: {
  groupBy: 'domain' | 'owner';
  emptyText: string;
}) {
  const { entity } = useEntity();
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { loading, error, value } = useAsync(async () => {
    const [rollup, levels] = await Promise.all([
      dataMeshApi.getRollup(props.groupBy, entityRef),
      // Only for the order of the levels: the rollup shows without it.
      dataMeshApi.getRules().then(
        rules => rules.levels,
        () => [] as string[],
      ),
    ]);
    return { rollup, levels };
  }, [dataMeshApi, entityRef, props.groupBy]);

  let content: ReactNode;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.rollup.products === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        {props.emptyText}
      </Typography>
    );
  } else {
    content = <RollupContent rollup={value.rollup} levels={value.levels} />;
  }
  return <InfoCard title="Data product scorecards">{content}</InfoCard>;
}

/**
 * Scorecards of the data products of a domain.
 * @public
 */
export function DomainScorecardCard() {
  return (
    <ScorecardRollupCard
      groupBy="domain"
      emptyText="No data product of this domain has been evaluated yet"
    />
  );
}

/**
 * Scorecards of the data products a team owns.
 * @public
 */
export function GroupScorecardCard() {
  return (
    <ScorecardRollupCard
      groupBy="owner"
      emptyText="No data product of this team has been evaluated yet"
    />
  );
}
