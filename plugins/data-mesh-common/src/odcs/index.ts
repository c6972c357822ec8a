export {
  parseOdcsContract,
  validateOdcsContract,
} from './validateOdcsContract';
export { MAX_CONTRACT_BYTES, readOdcsContract } from './readOdcsContract';
export * from './diff';
export {
  contractColumnNames,
  flattenProperties,
  listOf,
} from './schemaProperties';
export type { FlatProperty } from './schemaProperties';
export type {
  OdcsContract,
  OdcsCustomProperty,
  OdcsQualityRule,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  OdcsServer,
  OdcsSlaProperty,
  OdcsSupportChannel,
  OdcsTeamMember,
} from './types';
