import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { errorMessage, ProductCompliance } from '../shared';

/**
 * The mesh's health in a few figures: products compliant, average score and the products that
 * regressed this week, with a link to the insight.
 * @public
 */
export function MeshHealth() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const insight = useAsync(() => dataMeshApi.getInsight(), [dataMeshApi]);
  if (insight.error) {
    return (
      <Alert severity="error">
        Could not load the mesh's health: {errorMessage(insight.error)}
      </Alert>
    );
  }
  if (!insight.value) return <Progress />;
  const { products, compliant, averageScore, regressions } = insight.value;
  if (products === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No data product has been evaluated yet: products are evaluated on a
        schedule, shortly after the portal starts.
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gridGap={12}>
      <ProductCompliance compliant={compliant} total={products} />
      <Typography variant="body1">
        Average score{' '}
        <strong>
          {averageScore === null ? '–' : Math.round(averageScore)} / 100
        </strong>
        {' · '}
        {regressions.length === 0
          ? 'no product regressed this week'
          : `${regressions.length} ${
              regressions.length === 1 ? 'product' : 'products'
            } regressed this week`}
      </Typography>
      <Link to="/data-mesh/insight">See the mesh's insight</Link>
    </Box>
  );
}
