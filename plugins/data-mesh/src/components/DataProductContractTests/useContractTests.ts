import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ContractTestsResponse,
  dataMeshContractTestRunPermission,
} from '@datamesh-portal/plugin-data-mesh-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';

/**
 * The contract tests of a product (`loaded`, then the runs of the last Run now), whether the
 * user may run them (`data-mesh.contract-test.run` on the product), and running them now.
 */
export function useContractTests(productRef: string) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { allowed: canRun } = usePermission({
    permission: dataMeshContractTestRunPermission,
    resourceRef: productRef,
  });
  const loaded = useAsync(
    () => dataMeshApi.getContractTests(productRef),
    [dataMeshApi, productRef],
  );
  const [ran, setRan] = useState<ContractTestsResponse>();
  const [running, runNow] = useAsyncFn(async () => {
    const tests = await dataMeshApi.runContractTests(productRef);
    setRan(tests);
    return tests;
  }, [dataMeshApi, productRef]);
  return { loaded, tests: ran ?? loaded.value, canRun, running, runNow };
}
