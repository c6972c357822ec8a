import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  entityRefKey,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';

/** The refs of an entity's owner: `spec.owner` (kind and namespace defaulted) and `ownedBy`. */
function ownerRefs(entity: Entity): string[] {
  const refs = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => entityRefKey(relation.targetRef));
  const owner = entity.spec?.owner;
  if (typeof owner === 'string' && owner) {
    try {
      refs.push(entityRefKey(parseDataMeshRef(owner, 'owner', entity)));
    } catch {
      // A malformed owner is flagged by the catalog; it just owns nothing here.
    }
  }
  return refs;
}

/** Whether the signed-in user owns the entity, directly or through one of their groups. */
export function useIsOwner(entity: Entity): boolean {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const owners = ownerRefs(entity);
    return ownershipEntityRefs.some(ref => owners.includes(entityRefKey(ref)));
  }, [identityApi, entity]);
  return value ?? false;
}
