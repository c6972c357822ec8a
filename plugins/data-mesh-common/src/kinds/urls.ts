/**
 * The URL schemes a descriptor's links may use. Anything else (`javascript:`, `data:`,
 * `file:`...) would run or open something in the reader's browser when the portal renders it
 * as a link.
 * @public
 */
export const DESCRIPTOR_URL_SCHEMES = ['http:', 'https:', 'mailto:'] as const;

/**
 * Whether a value is an absolute URL with one of {@link DESCRIPTOR_URL_SCHEMES}, parsed as a
 * browser parses it (so `" JavaScript:..."` and `"java\tscript:..."` are what they are: not
 * allowed). The catalog refuses descriptors with other URLs; the frontend shows an older
 * stored one as text instead of a link.
 * @public
 */
export function isAllowedDescriptorUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (DESCRIPTOR_URL_SCHEMES as readonly string[]).includes(url.protocol);
}
