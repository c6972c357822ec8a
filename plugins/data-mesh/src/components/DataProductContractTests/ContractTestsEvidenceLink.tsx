import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { CONTRACT_TESTS_PATH } from '../../routes';

/**
 * Scorecard checks whose facts come from contract test runs: their evidence is on the
 * product's "Contract tests" tab.
 */
export const CHECKS_WITH_CONTRACT_TEST_EVIDENCE = new Set([
  'contract-tests-passing',
  'data-fresh',
]);

/** A link from a failing scorecard check to the contract test runs behind it. */
export function ContractTestsEvidenceLink() {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const page = entityRoute({
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  });
  return (
    <Typography variant="body2" component="p">
      <Link to={`${page}/${CONTRACT_TESTS_PATH}`}>
        See the contract test results
      </Link>{' '}
      (what was measured on the data)
    </Typography>
  );
}
