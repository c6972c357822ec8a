/**
 * Fact sources are read by rules as `facts.<source>`, so a source name must be a CEL
 * identifier that is not a CEL reserved word.
 * @public
 */
export const FACT_SOURCE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * Why a fact source name cannot be used, or undefined when it can.
 * @public
 */
export function describeInvalidFactSource(source: unknown): string | undefined {
  if (typeof source !== 'string' || source.length === 0) {
    return 'must be a non-empty string';
  }
  if (source.length > 64) {
    return `"${source.slice(0, 64)}…" is longer than 64 characters`;
  }
  if (!FACT_SOURCE_PATTERN.test(source)) {
    return `"${source}" is not an identifier (letters, digits and _, not starting with a digit)`;
  }
  if (CEL_RESERVED.has(source)) {
    return `"${source}" is a reserved word of the rule language`;
  }
  // Rules may not select __proto__ (it would reach the object's prototype), so a source of
  // that name could never be read.
  if (source === '__proto__') {
    return '"__proto__" cannot be read by rules; push under another name';
  }
  if (source === 'catalog') {
    return '"catalog" is computed by the portal from the catalog; push under another name';
  }
  return undefined;
}
