import {
  CompoundEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { QUALITY_PATH } from '../../routes';

/**
 * Scorecard checks whose facts come from contract test runs: their evidence is on the
 * product's "Quality" tab, below its scorecard.
 */
export const CHECKS_WITH_CONTRACT_TEST_EVIDENCE = new Set([
  'contract-tests-passing',
  'data-fresh',
]);

/** The path of a data product's "Quality" tab (scorecard and contract tests), below its entity page. */
export function useContractTestsPath(): (product: CompoundEntityRef) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return product =>
    `${entityRoute({
      kind: product.kind.toLocaleLowerCase('en-US'),
      namespace: product.namespace,
      name: product.name,
    })}/${QUALITY_PATH}`;
}

/** A link from a failing scorecard check to the contract test runs behind it. */
export function ContractTestsEvidenceLink() {
  const { entity } = useEntity();
  const contractTestsPath = useContractTestsPath();
  return (
    <Typography variant="body2" component="p">
      <Link to={contractTestsPath(getCompoundEntityRef(entity))}>
        See the contract test results
      </Link>{' '}
      (what was measured on the data)
    </Typography>
  );
}
