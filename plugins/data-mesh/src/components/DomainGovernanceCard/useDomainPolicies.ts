import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { CatalogApi, catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  domainAncestry,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { ownPolicies, resolveDomainPolicies } from './domainPolicies';

/** The domains above a domain (`spec.subdomainOf`), root first, as the backend finds them. */
async function parentDomains(
  catalogApi: CatalogApi,
  domain: Entity,
): Promise<Entity[]> {
  if (!domain.spec?.subdomainOf) return [];
  // Domains are few; one request for all of them beats one per level.
  const { items } = await catalogApi.getEntities({
    filter: { kind: 'Domain' },
    fields: [
      'kind',
      'metadata.name',
      'metadata.namespace',
      'metadata.title',
      'spec.subdomainOf',
    ],
  });
  const byRef = new Map(items.map(item => [entityRefKey(item), item]));
  const self = entityRefKey(domain);
  return domainAncestry(domain, ref => byRef.get(ref)).filter(
    d => entityRefKey(d) !== self,
  );
}

/**
 * A domain's own policies and what its products inherit. Without the rules (the backend is
 * down) the own policies still show, without what they inherit.
 */
export function useDomainPolicies(domain: Entity) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading } = useAsync(async () => {
    const [rules, parents] = await Promise.all([
      dataMeshApi.getRules(),
      parentDomains(catalogApi, domain),
    ]);
    return resolveDomainPolicies(domain, parents, rules.policies ?? []);
  }, [dataMeshApi, catalogApi, domain]);
  return {
    loading,
    own: value?.own ?? ownPolicies(domain).map(policy => ({ policy })),
    inherited: value?.inherited,
  };
}
