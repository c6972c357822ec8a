import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DataProductFormValues,
  dataProductFromForm,
  EvaluateResponse,
  formatProblem,
  missingDataProductFormFields,
  problemsOf,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ReactNode, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { ComplianceHeadline } from '../DataProductGovernanceCard/ComplianceHeadline';
import { groupResults } from '../DataProductGovernanceCard/governanceResults';
import { PolicyResults } from '../DataProductGovernanceCard/PolicyResults';
import { CheckList } from '../DataProductScorecardCard/CheckList';
import { groupChecks } from '../DataProductScorecardCard/scorecardChecks';
import { ScoreHeader } from '../DataProductScorecardCard/ScoreHeader';
import { errorMessage, isFailing, Section } from '../shared';
import { DataProductVerdictFieldProps } from './schema';
import { useDryRunVerdict } from './useDryRunVerdict';

/** "name, owner and domain" */
function listInWords(words: string[]): string {
  return words.length > 1
    ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
    : words.join('');
}

/** Whether an error is the backend's refusal of the draft (a 400 naming the bad field). */
function isRefusedDraft(error: Error): boolean {
  return (error as { statusCode?: number }).statusCode === 400;
}

/** What is wrong with the draft: each problem of the backend's list, or its message. */
function RefusalDetails(props: { error: Error }) {
  const problems = problemsOf(props.error);
  if (!problems) return <>{errorMessage(props.error)}</>;
  return (
    <Box component="ul" m={0} pl={2} aria-label="Problems">
      {problems.map((problem, i) => (
        <li key={i}>{formatProblem(problem)}</li>
      ))}
    </Box>
  );
}

/** The verdict on the draft: compliance with blocking policies first, then its scorecard. */
function Verdict(props: {
  verdict: EvaluateResponse;
  rules: RulesResponse | undefined;
}) {
  const { verdict, rules } = props;
  const groups = groupResults({
    results: verdict.governance.results,
    policies: rules?.policies ?? [],
  });
  const scorecard = {
    ...verdict.scorecard,
    definitions: rules?.checks ?? [],
    levels: rules?.levels ?? [],
  };
  const failingChecks = groupChecks(scorecard)
    .categories.flatMap(category => category.checks)
    .filter(check => isFailing(check.outcome));
  return (
    <>
      <ComplianceHeadline governance={verdict.governance} groups={groups} />
      {!verdict.governance.compliant && (
        <Box mb={2}>
          <Alert severity="error">
            Creating this data product will fail until the blocking policies
            below pass.
          </Alert>
        </Box>
      )}
      <PolicyResults groups={groups} collapsePassing />
      <Section title="Scorecard">
        <ScoreHeader scorecard={scorecard} />
        {failingChecks.length > 0 && (
          <CheckList label="Failing checks" checks={failingChecks} />
        )}
      </Section>
    </>
  );
}

/**
 * A scaffolder field that shows, while the form is filled in, the governance verdict on the
 * data product it describes: the form's values (the whole form's, from `formContext`), with
 * the descriptor step's other inputs (`ui:options.descriptorInput`), made into the product by
 * `dataProductFromForm` as the `data-mesh:product:descriptor` action does, and evaluated by
 * the data mesh backend's dry run 600 ms after the last change. It shows whether the product
 * complies, blocking policies first with how to comply, warnings, and the score and level
 * with the failing checks. It holds no value: the verdict is advice, the template's
 * `data-mesh:governance:check` step decides.
 * @public
 */
export function DataProductVerdictField(props: DataProductVerdictFieldProps) {
  const { schema, uiSchema, formContext, idSchema } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  const headingId = `${idSchema?.$id ?? 'data-product-verdict'}-title`;
  const descriptorInput = uiSchema?.['ui:options']?.descriptorInput;
  const formData: Record<string, unknown> | undefined = formContext?.formData;

  const values = useMemo(
    () => ({ ...formData, ...descriptorInput }),
    [formData, descriptorInput],
  );
  const missing = missingDataProductFormFields(values);
  const draftJson = useMemo(
    () =>
      missing.length === 0
        ? JSON.stringify(
            dataProductFromForm(values as unknown as DataProductFormValues),
          )
        : undefined,
    [values, missing.length],
  );
  const verdict = useDryRunVerdict(draftJson);
  const rules = useAsync(() => dataMeshApi.getRules(), [dataMeshApi]);

  let content: ReactNode;
  if (missing.length > 0) {
    content = (
      <Alert severity="info">
        Fill in the data product's {listInWords(missing)} to see whether it
        complies with the governance policies.
      </Alert>
    );
  } else if (verdict.error && !verdict.checking) {
    content = isRefusedDraft(verdict.error) ? (
      <Alert severity="warning">
        <AlertTitle>The data product is not valid yet</AlertTitle>
        <RefusalDetails error={verdict.error} />
      </Alert>
    ) : (
      <Alert severity="error">
        <AlertTitle>Could not check the governance policies</AlertTitle>
        {errorMessage(verdict.error)}
      </Alert>
    );
  } else if (verdict.value && !rules.loading) {
    content = (
      <>
        {verdict.checking && (
          <LinearProgress aria-label="Checking the latest changes" />
        )}
        <Box style={{ opacity: verdict.checking ? 0.6 : 1 }}>
          <Verdict verdict={verdict.value} rules={rules.value} />
        </Box>
      </>
    );
  } else {
    content = (
      <>
        <Typography variant="body2" color="textSecondary">
          Checking the data product against the governance policies…
        </Typography>
        <Progress />
      </>
    );
  }

  return (
    <Box component="section" aria-labelledby={headingId} mb={2}>
      <Typography variant="h6" component="h2" id={headingId}>
        {schema?.title ?? 'Governance verdict'}
      </Typography>
      {schema?.description && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {schema.description}
        </Typography>
      )}
      {content}
    </Box>
  );
}
