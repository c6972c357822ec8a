import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ContractTestsResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';
import { errorMessage } from '../shared';
import {
  ContractTestsCard,
  Fact,
  RunNowButton,
  RunTime,
  SummaryChips,
} from './ContractTestsCard';
import { useContractTests } from './useContractTests';

/** The product's counts over the latest runs, and the button that runs them all now. */
function ContractTestsHeader(props: {
  tests: ContractTestsResponse;
  action?: ReactNode;
}) {
  const tested = props.tests.contracts.filter(c => c.latest);
  const lastRun = tested
    .map(c => c.latest!.finishedAt)
    .sort()
    .pop();
  return (
    <InfoCard title="Contract tests" action={props.action}>
      <Typography variant="body2" color="textSecondary" paragraph>
        Each contract of this product is tested on its data server: tables and
        columns, types, required and unique columns, keys, quality rules,
        freshness and retention. The results become the facts of the scorecard
        checks on contract tests and freshness.
      </Typography>
      <Box display="flex" flexWrap="wrap" alignItems="flex-end" gridGap={32}>
        {tested.length > 0 && <SummaryChips summary={props.tests.summary} />}
        <Fact label="Contracts">
          {tested.length} of {props.tests.contracts.length} tested
        </Fact>
        {lastRun && (
          <Fact label="Last run">
            <RunTime timestamp={lastRun} />
          </Fact>
        )}
      </Box>
    </InfoCard>
  );
}

/**
 * The contract tests of a data product, for its "Contract tests" tab: per contract, every
 * check of the last run with what was measured against what the contract expects, when and on
 * which server it ran, and the trend of failed checks. Users allowed to run the tests
 * (`data-mesh.contract-test.run` on the product) can run them now.
 * @public
 */
export function DataProductContractTestsContent() {
  const { entity } = useEntity();
  const { loaded, tests, canRun, running, runNow } = useContractTests(
    stringifyEntityRef(entity),
  );

  if (loaded.loading) return <Progress />;
  if (loaded.error) return <ResponseErrorPanel error={loaded.error} />;
  if (!tests) {
    return (
      <InfoCard title="Contract tests">
        <Typography variant="body2">
          Not tested yet: the data mesh does not know this product yet. It
          appears after the next evaluation.
        </Typography>
      </InfoCard>
    );
  }

  const action = canRun && tests.contracts.length > 0 && (
    <RunNowButton running={running.loading} onClick={() => runNow()} />
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ContractTestsHeader tests={tests} action={action || undefined} />
      </Grid>
      {running.error && (
        <Grid item xs={12}>
          <Alert severity="error">
            Could not run the contract tests: {errorMessage(running.error)}
          </Alert>
        </Grid>
      )}
      {tests.contracts.length === 0 ? (
        <Grid item xs={12}>
          <Alert severity="info">
            Nothing to test: this product provides no ODCS contract. Contracts
            are the API entities of <code>spec.type: odcs</code> its output
            ports name.
          </Alert>
        </Grid>
      ) : (
        tests.contracts.map(contract => (
          <Grid item xs={12} key={contract.contractRef}>
            <ContractTestsCard tests={contract} canRun={canRun} />
          </Grid>
        ))
      )}
    </Grid>
  );
}
