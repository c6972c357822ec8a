import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ReactNode, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dataMeshApiRef } from '../../api';
import { NotEvaluated, Section } from '../shared';
import {
  RequestWaiverDialog,
  useCanDecideWaivers,
  useCanRequestWaiver,
  WaiverTable,
} from '../Waivers';
import { ComplianceHeadline } from './ComplianceHeadline';
import { groupResults, PolicyResultRow } from './governanceResults';
import { PolicyResults } from './PolicyResults';

/**
 * The governance verdict of a data product: compliant or not, its policy results (blocking
 * first, with how to comply), and its waivers. Users allowed to request waivers for the product
 * can do so on failing policies; governance admins decide on waivers here.
 * @public
 */
export function DataProductGovernanceCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const dataMeshApi = useApi(dataMeshApiRef);
  const canRequest = useCanRequestWaiver(entityRef);
  const canDecide = useCanDecideWaivers();
  const {
    value: governance,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => dataMeshApi.getGovernance(entityRef),
    [dataMeshApi, entityRef],
  );
  const [requesting, setRequesting] = useState<PolicyResultRow>();

  let content: ReactNode;
  // A reload after a waiver keeps showing the previous verdict until the new one arrives.
  if (loading && !governance) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!governance) {
    content = <NotEvaluated />;
  } else {
    const groups = groupResults(governance);
    content = (
      <>
        <ComplianceHeadline governance={governance} groups={groups} />
        <PolicyResults
          groups={groups}
          onRequestWaiver={canRequest ? setRequesting : undefined}
        />
        {governance.waivers.length > 0 && (
          <Section title="Waivers">
            <WaiverTable
              label="Waivers"
              waivers={governance.waivers}
              columns={['policy', 'status', 'expires', 'reason']}
              policyTitles={Object.fromEntries(
                governance.policies.map(p => [p.id, p.title]),
              )}
              emptyText=""
              onDecided={canDecide ? retry : undefined}
            />
          </Section>
        )}
      </>
    );
  }

  return (
    <InfoCard title="Governance">
      {content}
      {requesting && (
        <RequestWaiverDialog
          entityRef={entityRef}
          policy={requesting}
          onClose={() => setRequesting(undefined)}
          onRequested={() => {
            setRequesting(undefined);
            retry();
          }}
        />
      )}
    </InfoCard>
  );
}
