import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ContractTestRunResponse,
  ContractTestsResponse,
  ContractTestSummary,
  dataMeshContractTestRunPermission,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import {
  errorMessage,
  formatCount,
  formatDateTime,
  formatRelativeTime,
  ToneChip,
} from '../shared';
import { ContractCheckTable } from './ContractCheckTable';
import { FailedChecksTrend } from './FailedChecksTrend';

type ContractTests = ContractTestsResponse['contracts'][number];

const TRIGGERS: Record<string, string> = {
  schedule: 'scheduled run',
  new: 'first run of this version',
  manual: 'run on request',
};

/** The counts of a run as chips: failures and errors stand out, the rest is quiet. */
function SummaryChips(props: { summary: ContractTestSummary }) {
  const { passed, failed, errors, skipped } = props.summary;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={8} aria-label="Summary">
      {failed > 0 && <ToneChip tone="error" label={`${failed} failed`} />}
      {errors > 0 && (
        <ToneChip
          tone="warning"
          label={formatCount(errors, 'error')}
          title="Checks that could not be made: the message says why"
        />
      )}
      <ToneChip
        tone="success"
        variant={failed + errors > 0 ? 'outlined' : 'default'}
        label={`${passed} passed`}
      />
      {skipped > 0 && (
        <ToneChip
          tone="neutral"
          variant="outlined"
          label={`${skipped} skipped`}
        />
      )}
    </Box>
  );
}

/** "5 minutes ago (12 May 2025, 14:03)": when, readable at a glance and exactly. */
function RunTime(props: { timestamp: string }) {
  return (
    <>
      {formatRelativeTime(props.timestamp)} ({formatDateTime(props.timestamp)})
    </>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Box>
  );
}

/** Why a contract has no run yet, and what starts one. */
function NotTestedYet(props: { canRun: boolean }) {
  return (
    <Box>
      <Typography variant="body1">Not tested yet</Typography>
      <Typography variant="body2" color="textSecondary">
        This contract has never been run against its data. Contracts are tested
        on a schedule, and when a contract or a new version of it appears
        {props.canRun ? '; Run now tests it at once.' : '.'}
      </Typography>
    </Box>
  );
}

/** A run that found no server to test on: nothing was measured, and the messages say why. */
function NoServer(props: { run: ContractTestRunResponse }) {
  const reasons = [
    ...new Set(props.run.checks.map(c => c.message).filter(Boolean)),
  ];
  return (
    <Alert severity="warning">
      <strong>Not tested on data: no data server.</strong> None of the
      contract's servers (<code>servers[].server</code>) is configured in the
      portal's <code>dataMesh.servers</code>, so nothing was measured.
      {reasons.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {reasons.map(reason => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** One contract: its last run (when, where, counts), the trend and every check. */
function ContractTestsCard(props: { tests: ContractTests; canRun: boolean }) {
  const { contractRef, latest, history } = props.tests;
  const title = <EntityRefLink entityRef={contractRef} defaultKind="api" />;
  if (!latest) {
    return (
      <InfoCard title={title}>
        <NotTestedYet canRun={props.canRun} />
      </InfoCard>
    );
  }
  return (
    <InfoCard
      title={title}
      subheader={`ODCS ${latest.contractId}${
        latest.version ? `, version ${latest.version}` : ''
      }`}
    >
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="flex-end"
        gridGap={32}
        mb={2}
      >
        <SummaryChips summary={latest.summary} />
        <Fact label="Last run">
          <RunTime timestamp={latest.finishedAt} />
          {TRIGGERS[latest.trigger] ? `, ${TRIGGERS[latest.trigger]}` : ''}
        </Fact>
        <Fact label="Server">
          {latest.server ? <code>{latest.server}</code> : 'none'}
        </Fact>
        <FailedChecksTrend history={history} />
      </Box>
      {latest.server === null ? (
        <NoServer run={latest} />
      ) : (
        <ContractCheckTable
          label={`Checks of ${contractRef}`}
          checks={latest.checks}
        />
      )}
    </InfoCard>
  );
}

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
  const entityRef = stringifyEntityRef(entity);
  const dataMeshApi = useApi(dataMeshApiRef);
  const { allowed: canRun } = usePermission({
    permission: dataMeshContractTestRunPermission,
    resourceRef: entityRef,
  });
  const loaded = useAsync(
    () => dataMeshApi.getContractTests(entityRef),
    [dataMeshApi, entityRef],
  );
  const [ran, setRan] = useState<ContractTestsResponse>();
  const [running, runNow] = useAsyncFn(async () => {
    const tests = await dataMeshApi.runContractTests(entityRef);
    setRan(tests);
    return tests;
  }, [dataMeshApi, entityRef]);
  const tests = ran ?? loaded.value;

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
    <Box p={1}>
      <Button
        variant="contained"
        color="primary"
        size="small"
        onClick={() => runNow()}
        disabled={running.loading}
        startIcon={
          running.loading ? (
            <CircularProgress size={16} aria-label="Running" />
          ) : (
            <PlayArrowIcon />
          )
        }
      >
        Run now
      </Button>
    </Box>
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
