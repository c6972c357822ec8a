export {
  MAX_CONTRACT_BYTES,
  parseOdcsContract,
  validateOdcsContract,
} from './validateOdcsContract';
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
