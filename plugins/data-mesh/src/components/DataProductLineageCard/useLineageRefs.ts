import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * The refs of a product and of the products on its lineage: those it reads from, and those
 * reading from it, `depth` levels each way. Siblings (other readers of an upstream product) are
 * not on its lineage, which is why the graph is filtered by this set.
 */
export function useLineageRefs(entity: Entity, depth: number) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const refs = new Set([stringifyEntityRef(entity)]);
    const walk = async (relation: string) => {
      let level = [entity];
      for (let i = 0; i < depth && level.length > 0; i++) {
        const next = level
          .flatMap(e => e.relations ?? [])
          .filter(r => r.type === relation && !refs.has(r.targetRef))
          .map(r => r.targetRef);
        next.forEach(ref => refs.add(ref));
        if (i + 1 === depth || next.length === 0) break;
        const { items } = await catalogApi.getEntitiesByRefs({
          entityRefs: next,
          fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
        });
        level = items.filter((e): e is Entity => Boolean(e));
      }
    };
    await Promise.all([
      walk(RELATION_DEPENDS_ON),
      walk(RELATION_DEPENDENCY_OF),
    ]);
    return refs;
  }, [catalogApi, entity, depth]);
}
