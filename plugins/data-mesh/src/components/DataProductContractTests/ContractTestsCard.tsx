import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ContractTestRunResponse,
  ContractTestsResponse,
  ContractTestSummary,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';
import {
  formatCount,
  formatDateTime,
  formatRelativeTime,
  ToneChip,
} from '../shared';
import { ContractCheckTable } from './ContractCheckTable';
import { FailedChecksTrend } from './FailedChecksTrend';

/** The tests of one contract of a product: its latest run and the counts of recent runs. */
export type ContractTests = ContractTestsResponse['contracts'][number];

const TRIGGERS: Record<string, string> = {
  schedule: 'scheduled run',
  new: 'first run of this version',
  manual: 'run on request',
};

/** The counts of a run as chips: failures and errors stand out, the rest is quiet. */
export function SummaryChips(props: { summary: ContractTestSummary }) {
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
export function RunTime(props: { timestamp: string }) {
  return (
    <>
      {formatRelativeTime(props.timestamp)} ({formatDateTime(props.timestamp)})
    </>
  );
}

export function Fact(props: { label: string; children: ReactNode }) {
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

/** Whether a run measured nothing: no check passed or failed, and some could not be made. */
function nothingMeasured(summary: ContractTestSummary): boolean {
  return summary.passed + summary.failed === 0 && summary.errors > 0;
}

/** One contract: its last run (when, where, counts), the trend and every check. */
export function ContractTestsCard(props: {
  tests: ContractTests;
  canRun: boolean;
  /** A button or link in the card's header. */
  action?: ReactNode;
  /** A link at the foot of the card. */
  deepLink?: { title: string; link: string };
  /** The card's title; default the contract's API entity, as a link. */
  title?: ReactNode;
}) {
  const { contractRef, latest, history } = props.tests;
  const title = props.title ?? (
    <EntityRefLink entityRef={contractRef} defaultKind="api" />
  );
  if (!latest) {
    return (
      <InfoCard title={title} action={props.action} deepLink={props.deepLink}>
        <NotTestedYet canRun={props.canRun} />
      </InfoCard>
    );
  }
  return (
    <InfoCard
      title={title}
      action={props.action}
      deepLink={props.deepLink}
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
        <>
          {nothingMeasured(latest.summary) && (
            <Box mb={2}>
              <Alert severity="warning">
                Nothing was measured in the last run: every check ended in an
                error. The messages below say why.
              </Alert>
            </Box>
          )}
          <ContractCheckTable
            label={`Checks of ${contractRef}`}
            checks={latest.checks}
          />
        </>
      )}
    </InfoCard>
  );
}

/** Runs a product's contract tests now: disabled, with a spinner, while they run. */
export function RunNowButton(props: { running: boolean; onClick: () => void }) {
  return (
    <Box p={1}>
      <Button
        variant="contained"
        color="primary"
        size="small"
        onClick={props.onClick}
        disabled={props.running}
        startIcon={
          props.running ? (
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
}
