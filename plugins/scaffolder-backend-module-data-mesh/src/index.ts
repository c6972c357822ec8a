/**
 * Scaffolder actions that create governed data products.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDataMesh as default } from './module';
export * from './actions';
