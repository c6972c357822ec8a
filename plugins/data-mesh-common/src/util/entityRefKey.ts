import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * A ref that is its own key already: `kind:namespace/name` with every part non-empty, in
 * ASCII without capitals (the key of any other ref is computed). Refs read from the catalog and
 * the stores are such keys, and a pass reads thousands of them.
 */
const KEY =
  /^[^:/A-Z\u0080-\uffff]+:[^/A-Z\u0080-\uffff]+\/[^A-Z\u0080-\uffff]+$/;

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
  if (typeof ref === 'string') {
    return KEY.test(ref)
      ? ref
      : stringifyEntityRef(parseEntityRef(ref, defaults));
  }
  // stringifyEntityRef writes the catalog's canonical form: every part lowercase.
  return stringifyEntityRef(ref);
}
