import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** A consumer the user can request access for. */
export type Consumer = { ref: string; kind: string; title: string };

/**
 * What the user can request access for, as the backend allows: the groups among their
 * ownership refs, and the Components and Systems those groups own. Groups first.
 */
export function useMyConsumers() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const groupRefs = ownershipEntityRefs.filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
    const groups: Consumer[] = groupRefs.map(ref => ({
      ref,
      kind: 'Group',
      title: parseEntityRef(ref).name,
    }));
    if (groupRefs.length === 0) return groups;
    const { items } = await catalogApi.getEntities({
      filter: { 'relations.ownedBy': groupRefs, kind: ['Component', 'System'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    const owned: Consumer[] = items
      .map(entity => ({
        ref: stringifyEntityRef(entity),
        kind: entity.kind,
        title: entity.metadata.title ?? entity.metadata.name,
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
    return [...groups, ...owned];
  }, [identityApi, catalogApi]);
}
