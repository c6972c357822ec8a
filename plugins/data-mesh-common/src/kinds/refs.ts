import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';

/** The kind each ref field of a DataProduct's spec defaults to. @public */
export const DATA_PRODUCT_REF_DEFAULT_KINDS = {
  owner: 'Group',
  domain: 'Domain',
  system: 'System',
  dataProduct: 'DataProduct',
  contract: 'API',
  replacedBy: 'DataProduct',
} as const;

/**
 * Parses a ref found in an entity's spec, defaulting the kind to the field's and the namespace
 * to the entity's own.
 * @public
 */
export function parseDataMeshRef(
  ref: string,
  field: keyof typeof DATA_PRODUCT_REF_DEFAULT_KINDS,
  context: Pick<Entity, 'metadata'>,
): CompoundEntityRef {
  return parseEntityRef(ref, {
    defaultKind: DATA_PRODUCT_REF_DEFAULT_KINDS[field],
    defaultNamespace: context.metadata.namespace ?? 'default',
  });
}
