import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { HttpAuthService } from '@backstage/backend-plugin-api';

/*
 * What the routes still read from a request themselves: the OpenAPI router has checked every
 * parameter and body against the spec, but entity ref syntax is not something a spec says.
 */

/** Any request of the OpenAPI router, whatever its typed parameters and body. */
export type AnyRequest = Parameters<HttpAuthService['credentials']>[0];

/** An entity ref given in a request; an InputError names the field when it is no ref. */
export function entityRefParam(
  value: string,
  field: string,
  defaultKind = 'DataProduct',
): CompoundEntityRef {
  try {
    return parseEntityRef(value, { defaultKind });
  } catch {
    throw new InputError(`${field}: "${value}" is not a valid entity ref`);
  }
}

/**
 * `limit` and `offset` of a list route. The OpenAPI router has checked their bounds and filled
 * in the spec's defaults, which the generated types leave optional.
 */
export function page(query: { limit?: number; offset?: number }): {
  limit: number;
  offset: number;
} {
  const { limit, offset } = query;
  if (limit === undefined || offset === undefined) {
    throw new Error('limit and offset have defaults in the OpenAPI spec');
  }
  return { limit, offset };
}
