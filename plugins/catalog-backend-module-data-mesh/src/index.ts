/**
 * Catalog module that teaches the catalog the DataProduct and data mesh Domain kinds.
 *
 * @packageDocumentation
 */
export { catalogModuleDataMesh as default } from './module';
export * from './processor';
export type {
  ActiveAgreement,
  ActiveAgreementSource,
} from './agreements/ActiveAgreements';
