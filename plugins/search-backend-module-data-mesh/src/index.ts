/**
 * Search collator of data products: the portal's search finds them with their domain, owner,
 * level and compliance.
 *
 * @packageDocumentation
 */
export { searchModuleDataMesh as default } from './module';
export * from './collators';
