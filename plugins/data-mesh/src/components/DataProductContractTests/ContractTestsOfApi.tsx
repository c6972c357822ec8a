import { parseEntityRef } from '@backstage/catalog-model';
import { Progress, WarningPanel } from '@backstage/core-components';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../shared';
import { ContractTestsCard, RunNowButton } from './ContractTestsCard';
import { useContractTestsPath } from './ContractTestsEvidenceLink';
import { useContractTests } from './useContractTests';

/**
 * The last test run of one contract on its data, for the Contract tab of the API entity that
 * holds it: the runs are the product's (`productRef`, which provides the API), and so is the
 * permission to run them now. Shows nothing when the product does not list the contract.
 */
export function ContractTestsOfApi(props: {
  apiRef: string;
  productRef: string;
}) {
  const { loaded, tests, canRun, running, runNow } = useContractTests(
    props.productRef,
  );
  const contractTestsPath = useContractTestsPath();
  if (loaded.loading) return <Progress />;
  if (loaded.error) {
    // The contract itself is still worth reading below.
    return (
      <WarningPanel
        title="Could not load the contract's test results"
        message={errorMessage(loaded.error)}
      />
    );
  }
  const contract = tests?.contracts.find(
    c => entityRefKey(c.contractRef) === entityRefKey(props.apiRef),
  );
  if (!contract) return null;
  return (
    <>
      {running.error && (
        <Alert severity="error" style={{ marginBottom: 16 }}>
          Could not run the contract tests: {errorMessage(running.error)}
        </Alert>
      )}
      <ContractTestsCard
        tests={contract}
        canRun={canRun}
        title="Contract tests"
        action={
          canRun && (
            <RunNowButton running={running.loading} onClick={() => runNow()} />
          )
        }
        deepLink={{
          title: 'All contract tests of the data product',
          link: contractTestsPath(parseEntityRef(props.productRef)),
        }}
      />
    </>
  );
}
