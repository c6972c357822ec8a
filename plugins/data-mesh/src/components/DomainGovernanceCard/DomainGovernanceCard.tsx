import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { formatCount, ProductCompliance, Section } from '../shared';
import { InheritedPolicies } from './domainPolicies';
import { DomainPolicyList } from './DomainPolicyList';
import { useDomainPolicies } from './useDomainPolicies';

/** How many of the domain's evaluated products comply, from its rollup. */
function DomainCompliance(props: { domain: Entity }) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const entityRef = stringifyEntityRef(props.domain);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getRollup('domain', entityRef),
    [dataMeshApi, entityRef],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.products === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No data product of this domain has been evaluated yet
      </Typography>
    );
  }
  return (
    <ProductCompliance compliant={value.compliant} total={value.products} />
  );
}

/** "Its data products must also comply with 3 global policies and 1 policy of Clinical." */
function InheritedLine(props: { inherited?: InheritedPolicies }) {
  const { inherited } = props;
  const parents = inherited?.parents.filter(p => p.policies > 0) ?? [];
  return (
    <Typography variant="body2" color="textSecondary" component="p">
      {inherited ? (
        <>
          Its data products must also comply with{' '}
          {formatCount(inherited.global, 'global policy', 'global policies')}
          {parents.map(({ domain, policies }, index) => (
            <Fragment key={stringifyEntityRef(domain)}>
              {index === parents.length - 1 ? ' and ' : ', '}
              {formatCount(policies, 'policy', 'policies')} of the parent domain{' '}
              <EntityRefLink entityRef={domain} />
            </Fragment>
          ))}
          .
        </>
      ) : (
        'Its data products must also comply with the global policies and those of its parent domains.'
      )}
    </Typography>
  );
}

/**
 * Governance of a data mesh domain: how many of its products comply, its own policies with
 * their rules and how to comply, and how many global and parent-domain policies also apply.
 * @public
 */
export function DomainGovernanceCard() {
  const { entity } = useEntity();
  const { own, inherited, loading } = useDomainPolicies(entity);
  return (
    <InfoCard title="Governance">
      <Section title="Compliance">
        <DomainCompliance domain={entity} />
      </Section>
      <Section title={`Policies of this domain (${own.length})`}>
        {own.length > 0 ? (
          <DomainPolicyList policies={own} />
        ) : (
          <Typography variant="body2" color="textSecondary" component="p">
            This domain has no policies of its own.
          </Typography>
        )}
        {!loading && <InheritedLine inherited={inherited} />}
      </Section>
    </InfoCard>
  );
}
