/**
 * Data mesh kinds, schemas, validators, relation names and REST types shared by the frontend,
 * the backend and CI tooling. Isomorphic: no Node-only code.
 *
 * @packageDocumentation
 */
export * from './kinds';
export * from './api';
export * from './schema';
export * from './facts';
export * from './odps';
export * from './odcs';
export * from './validation';
export * from './permissions';
export * from './rules';
export * from './scaffolder';
export * from './util';
