import Grid from '@material-ui/core/Grid';
import { DataProductConsumersCard } from '../DataProductConsumersCard';
import { DataProductContractTestsContent } from '../DataProductContractTests';
import { DataProductGovernanceCard } from '../DataProductGovernanceCard';
import { DataProductLineageCard } from '../DataProductLineageCard';
import { DataProductScoreHistoryCard } from '../DataProductScoreHistoryCard';
import { DataProductScorecardCard } from '../DataProductScorecardCard';

/**
 * The "Quality" tab of a data product: its scorecard beside its score trend, then what the
 * contract tests measured on its data.
 * @public
 */
export function DataProductQualityContent() {
  return (
    <Grid container spacing={3} alignItems="flex-start">
      <Grid item xs={12} lg={7}>
        <DataProductScorecardCard />
      </Grid>
      <Grid item xs={12} lg={5}>
        <DataProductScoreHistoryCard />
      </Grid>
      <Grid item xs={12}>
        <DataProductContractTestsContent />
      </Grid>
    </Grid>
  );
}

/**
 * The "Lineage" tab of a data product: upstream products on the left, downstream on the
 * right, then the products that read from it.
 * @public
 */
export function DataProductLineageContent() {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <DataProductLineageCard />
      </Grid>
      <Grid item xs={12}>
        <DataProductConsumersCard />
      </Grid>
    </Grid>
  );
}

/**
 * The "Governance" tab of a data product: its compliance, policy results and waivers.
 * @public
 */
export function DataProductGovernanceContent() {
  return <DataProductGovernanceCard />;
}
