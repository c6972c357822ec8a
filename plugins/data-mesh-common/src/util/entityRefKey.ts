import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * An entity ref as the catalog compares refs and the data mesh stores and indexes them:
 * `kind:namespace/name`, lowercase. A string is parsed first, its missing kind and namespace
 * taken from `defaults` (the namespace defaults to `default`), so `Orders`, `dataproduct:orders`
 * and `DataProduct:default/Orders` have one key.
 *
 * Throws the error of `parseEntityRef` for a string that is no entity ref.
 * @public
 */
export function entityRefKey(
  ref: Entity | { kind: string; namespace?: string; name: string } | string,
  defaults?: { defaultKind?: string; defaultNamespace?: string },
): string {
  // stringifyEntityRef writes the catalog's canonical form: every part lowercase.
  return stringifyEntityRef(
    typeof ref === 'string' ? parseEntityRef(ref, defaults) : ref,
  );
}
