import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { GovernanceSummaryResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dataMeshApiRef } from '../../api';
import { formatCount, ProductCompliance } from '../shared';
import { useCanDecideWaivers, WaiverTable } from '../Waivers';
import { DomainComplianceTable } from './DomainComplianceTable';
import { PolicyComplianceTable } from './PolicyComplianceTable';
import { ViolationsTable } from './ViolationsTable';

function Overview(props: { summary: GovernanceSummaryResponse }) {
  const { summary } = props;
  return (
    <InfoCard title="Compliance">
      <ProductCompliance
        compliant={summary.compliant}
        total={summary.products}
      />
      <Typography
        variant="body2"
        color="textSecondary"
        style={{ marginTop: 8 }}
      >
        {formatCount(summary.violations.length, 'product')} with blocking
        failures, {formatCount(summary.waivers.pending.length, 'waiver')}{' '}
        waiting for a decision
      </Typography>
    </InfoCard>
  );
}

function Dashboard(props: {
  summary: GovernanceSummaryResponse;
  onDecided?: () => void;
}) {
  const { summary, onDecided } = props;
  const policyTitles = Object.fromEntries(
    summary.policies.map(policy => [policy.id, policy.title]),
  );
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={5}>
        <Overview summary={summary} />
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard title="Compliance per domain">
          <DomainComplianceTable domains={summary.domains} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Compliance per policy">
          <PolicyComplianceTable policies={summary.policies} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Violations"
          subheader="Non-compliant data products and the policies they fail"
        >
          <ViolationsTable
            violations={summary.violations}
            policyTitles={policyTitles}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Waivers waiting for a decision">
          <WaiverTable
            label="Pending waivers"
            waivers={summary.waivers.pending}
            columns={['product', 'policy', 'expires', 'reason']}
            policyTitles={policyTitles}
            emptyText="No waiver is waiting for a decision"
            onDecided={onDecided}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Waivers ending soon"
          subheader="The policies apply again to these products when their waivers end"
        >
          <WaiverTable
            label="Expiring waivers"
            waivers={summary.waivers.expiring}
            columns={['product', 'policy', 'expires', 'reason']}
            policyTitles={policyTitles}
            emptyText="No approved waiver ends soon"
            onDecided={onDecided}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/**
 * The governance dashboard of the mesh, without a page header: how many products comply,
 * compliance per domain and per policy, violations, and waivers waiting for a decision (which
 * governance admins decide here) or ending soon.
 * @public
 */
export function GovernanceDashboard() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const canDecide = useCanDecideWaivers();
  const { value, loading, error, retry } = useAsyncRetry(
    () => dataMeshApi.getGovernanceSummary(),
    [dataMeshApi],
  );

  let content;
  // A reload after a decision keeps showing the dashboard until the new one arrives.
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.products === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No data product has been evaluated yet"
        description="Data products are evaluated on a schedule and whenever their entity or facts change; their compliance shows here after that."
      />
    );
  } else {
    content = (
      <Dashboard summary={value} onDecided={canDecide ? retry : undefined} />
    );
  }
  return <Content>{content}</Content>;
}

/**
 * The governance dashboard as a page of its own with a header, for the legacy frontend system.
 * @public
 */
export function GovernanceDashboardPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Data mesh governance"
        subtitle="How the data products comply with the policies of the mesh and of their domains"
      />
      <GovernanceDashboard />
    </Page>
  );
}
