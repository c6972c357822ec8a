import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import {
  ContractCheckResult,
  ContractTestsResponse,
  DataProductEntityV1alpha1,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { GOVERNANCE_PATH, QUALITY_PATH } from '../../routes';
import { ContractCheckOutcomeChip } from '../DataProductContractTests/ContractCheckTable';
import {
  errorMessage,
  Field,
  FieldList,
  formatCount,
  formatIsoDuration,
  formatPercent,
  formatRelativeTime,
  LevelChip,
  ToneChip,
} from '../shared';

/** The path of one of the product's tabs. */
function useTabPath(path: string) {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const ref = getCompoundEntityRef(entity);
  return `${entityRoute({
    kind: ref.kind.toLocaleLowerCase('en-US'),
    namespace: ref.namespace,
    name: ref.name,
  })}/${path}`;
}

/** What a part of the card shows while loading, on error, or when there is nothing yet. */
function Pending(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      {props.children}
    </Typography>
  );
}

function ScoreFact() {
  const { entity } = useEntity();
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getScorecard(entityRef),
    [dataMeshApi, entityRef],
  );
  if (loading) return <Pending>Loading…</Pending>;
  if (error) return <Pending>Unavailable: {errorMessage(error)}</Pending>;
  if (!value) return <Pending>Not evaluated yet</Pending>;
  return (
    <Box display="flex" alignItems="center" gridGap={8}>
      <Typography variant="h6" component="span" aria-label="Score">
        {Math.round(value.score)}
      </Typography>
      <Typography variant="body2" color="textSecondary" component="span">
        / 100
      </Typography>
      <LevelChip level={value.level} />
    </Box>
  );
}

function ComplianceFact() {
  const { entity } = useEntity();
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getGovernance(entityRef),
    [dataMeshApi, entityRef],
  );
  if (loading) return <Pending>Loading…</Pending>;
  if (error) return <Pending>Unavailable: {errorMessage(error)}</Pending>;
  if (!value) return <Pending>Not evaluated yet</Pending>;
  const blocking = value.results.filter(r => r.blocking).length;
  return value.compliant ? (
    <ToneChip tone="success" label="Compliant" />
  ) : (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
      <ToneChip tone="error" label="Not compliant" />
      <Typography variant="body2" component="span">
        {formatCount(blocking, 'blocking policy', 'blocking policies')}
      </Typography>
    </Box>
  );
}

function ContractTestsFact(props: {
  tests: ContractTestsResponse | undefined;
}) {
  const { tests } = props;
  if (!tests) return <Pending>Not tested yet</Pending>;
  if (tests.contracts.length === 0) {
    return <Pending>No contract to test</Pending>;
  }
  const tested = tests.contracts.filter(c => c.latest);
  if (tested.length === 0) return <Pending>Not tested yet</Pending>;
  const { passed, failed, errors } = tests.summary;
  const lastRun = tested
    .map(c => c.latest!.finishedAt)
    .sort()
    .pop()!;
  return (
    <>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <ContractCheckOutcomeChip
          outcome={(failed > 0 && 'fail') || (errors > 0 && 'error') || 'pass'}
        />
        <Typography variant="body2" component="span">
          {[
            `${passed} of ${passed + failed + errors} checks passed`,
            failed > 0 && `${failed} failed`,
            errors > 0 && `${errors} could not be made`,
          ]
            .filter(Boolean)
            .join(', ')}
        </Typography>
      </Box>
      <Typography variant="caption" color="textSecondary">
        last run {formatRelativeTime(lastRun)}
      </Typography>
    </>
  );
}

/** The freshness checks of the latest runs: what was measured against the promise. */
function freshnessChecks(tests: ContractTestsResponse | undefined) {
  return (tests?.contracts ?? []).flatMap(
    c => c.latest?.checks.filter(check => check.metric === 'freshness') ?? [],
  );
}

function FreshnessFact(props: {
  promised?: string;
  checks: ContractCheckResult[];
}) {
  const { promised, checks } = props;
  const worst =
    checks.find(c => c.outcome === 'fail') ??
    checks.find(c => c.outcome === 'error') ??
    checks[0];
  return (
    <>
      <Typography variant="body2" component="span">
        {promised
          ? `Promised: at most ${formatIsoDuration(promised)} old`
          : 'No freshness promised'}
      </Typography>
      {worst ? (
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          <ContractCheckOutcomeChip outcome={worst.outcome} />
          <Typography variant="body2" component="span">
            {worst.measured !== undefined
              ? `newest data ${String(worst.measured)} old`
              : worst.message}
          </Typography>
        </Box>
      ) : (
        <Typography variant="caption" color="textSecondary" component="p">
          Not measured: no contract names a freshness service level
        </Typography>
      )}
    </>
  );
}

/**
 * Quality at a glance, for a data product's overview: score and level, compliance, the latest
 * contract tests, and its service levels, promised and measured; each links to its tab.
 * @public
 */
export function QualitySummaryCard() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const tests = useAsync(
    () => dataMeshApi.getContractTests(entityRef),
    [dataMeshApi, entityRef],
  );
  const qualityPath = useTabPath(QUALITY_PATH);
  const governancePath = useTabPath(GOVERNANCE_PATH);
  const { freshness, availability } = entity.spec.slos ?? {};
  let testsFact: ReactNode;
  if (tests.loading) testsFact = <Pending>Loading…</Pending>;
  else if (tests.error) {
    testsFact = <Pending>Unavailable: {errorMessage(tests.error)}</Pending>;
  } else testsFact = <ContractTestsFact tests={tests.value} />;

  return (
    <InfoCard
      title="Quality at a glance"
      deepLink={{ title: 'Quality details', link: qualityPath }}
    >
      <FieldList>
        <Field label="Score">
          <ScoreFact />
        </Field>
        <Field label="Compliance">
          <ComplianceFact />
          <Typography variant="caption" component="p">
            <Link to={governancePath}>Policies and waivers</Link>
          </Typography>
        </Field>
        <Field label="Contract tests">{testsFact}</Field>
        <Field label="Freshness">
          {tests.loading ? (
            <Pending>Loading…</Pending>
          ) : (
            <FreshnessFact
              promised={freshness}
              checks={freshnessChecks(tests.value)}
            />
          )}
        </Field>
        <Field label="Availability">
          {availability !== undefined ? (
            <>
              <Typography variant="body2" component="span">
                Promised: {formatPercent(availability)}
              </Typography>
              <Typography variant="caption" color="textSecondary" component="p">
                Not measured by the portal
              </Typography>
            </>
          ) : undefined}
        </Field>
      </FieldList>
    </InfoCard>
  );
}
