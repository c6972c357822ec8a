import {
  RELATION_API_PROVIDED_BY,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
  RELATION_API_CONSUMED_BY,
} from '@backstage/catalog-model';

/**
 * The relations a DataProduct takes part in. They are the catalog's built-in relation types,
 * so the catalog graph and existing cards show data mesh lineage without extra work.
 * @public
 */
export const DATA_MESH_RELATIONS = {
  /** spec.owner */
  ownedBy: RELATION_OWNED_BY,
  ownerOf: RELATION_OWNER_OF,
  /** spec.domain and spec.system */
  partOf: RELATION_PART_OF,
  hasPart: RELATION_HAS_PART,
  /** spec.inputPorts[].dataProduct: the lineage graph */
  dependsOn: RELATION_DEPENDS_ON,
  dependencyOf: RELATION_DEPENDENCY_OF,
  /** spec.outputPorts[].contract */
  providesApi: RELATION_PROVIDES_API,
  apiProvidedBy: RELATION_API_PROVIDED_BY,
  /** spec.inputPorts[].contract */
  consumesApi: RELATION_CONSUMES_API,
  apiConsumedBy: RELATION_API_CONSUMED_BY,
} as const;
