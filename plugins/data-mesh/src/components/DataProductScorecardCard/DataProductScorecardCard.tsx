import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ScorecardResponse } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import {
  CHECKS_WITH_CONTRACT_TEST_EVIDENCE,
  ContractTestsEvidenceLink,
} from '../DataProductContractTests/ContractTestsEvidenceLink';
import {
  CollapsedSection,
  errorMessage,
  NotEvaluated,
  Section,
} from '../shared';
import { CheckList } from './CheckList';
import { ScoreHeader } from './ScoreHeader';
import { CheckRow, groupChecks } from './scorecardChecks';
import { useIsOwner } from './useIsOwner';

/** Failing checks on measured data link to the contract test runs that measured it. */
function evidence(check: CheckRow) {
  return CHECKS_WITH_CONTRACT_TEST_EVIDENCE.has(check.id) ? (
    <ContractTestsEvidenceLink />
  ) : undefined;
}

function ScorecardChecks(props: { scorecard: ScorecardResponse }) {
  const { categories, skipped } = groupChecks(props.scorecard);
  return (
    <>
      {categories.map(category => (
        <Section key={category.name} title={category.name}>
          <CheckList
            label={category.name}
            checks={category.checks}
            evidence={evidence}
          />
        </Section>
      ))}
      {skipped.length > 0 && (
        <CollapsedSection
          summary={`Not applicable to this product (${skipped.length})`}
        >
          <CheckList label="Not applicable" checks={skipped} />
        </CollapsedSection>
      )}
    </>
  );
}

/**
 * The scorecard of a data product: its score and level, when it was evaluated, and its checks
 * by category, failing first with how to fix them. Owners can have it evaluated now.
 * @public
 */
export function DataProductScorecardCard() {
  const { entity } = useEntity();
  const dataMeshApi = useApi(dataMeshApiRef);
  const isOwner = useIsOwner(entity);
  const entityRef = stringifyEntityRef(entity);
  const loaded = useAsync(
    () => dataMeshApi.getScorecard(entityRef),
    [dataMeshApi, entityRef],
  );
  const [reevaluated, setReevaluated] = useState<ScorecardResponse>();
  const [evaluation, evaluate] = useAsyncFn(async () => {
    const scorecard = await dataMeshApi.evaluate(entityRef);
    setReevaluated(scorecard);
    return scorecard;
  }, [dataMeshApi, entityRef]);
  const scorecard = reevaluated ?? loaded.value;

  const button = (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      onClick={() => evaluate()}
      disabled={evaluation.loading}
      startIcon={
        evaluation.loading ? (
          <CircularProgress size={16} aria-label="Evaluating" />
        ) : (
          <RefreshIcon />
        )
      }
    >
      Evaluate now
    </Button>
  );

  let content: ReactNode;
  if (loaded.loading) {
    content = <Progress />;
  } else if (loaded.error) {
    content = <ResponseErrorPanel error={loaded.error} />;
  } else if (!scorecard) {
    content = <NotEvaluated>{isOwner && button}</NotEvaluated>;
  } else {
    content = (
      <>
        <ScoreHeader scorecard={scorecard} />
        <ScorecardChecks scorecard={scorecard} />
      </>
    );
  }

  return (
    <InfoCard
      title="Scorecard"
      action={isOwner && scorecard ? <Box p={1}>{button}</Box> : undefined}
    >
      {evaluation.error && (
        <Box mb={2}>
          <Alert severity="error">
            Could not evaluate: {errorMessage(evaluation.error)}
          </Alert>
        </Box>
      )}
      {content}
    </InfoCard>
  );
}
