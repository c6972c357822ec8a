import { JsonObject } from '@backstage/types';

// Read once: rule contexts check values by the thousand, and in a vm context (jest's sandbox)
// each global lookup is a call into Node.
const { isArray } = Array;

/**
 * Whether a value read from JSON or YAML is an object: not an array, not null.
 * @public
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}
