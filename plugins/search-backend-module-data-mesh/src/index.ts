/**
 * Search collator of data products.
 *
 * @packageDocumentation
 */
export {};
