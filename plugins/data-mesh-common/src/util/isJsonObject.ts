import { JsonObject } from '@backstage/types';

/**
 * Whether a value read from JSON or YAML is an object: not an array, not null.
 * @public
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
