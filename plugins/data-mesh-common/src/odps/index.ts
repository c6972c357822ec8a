/*
 * ODPS (Open Data Product Standard, Bitol) conversion: an ODPS document becomes a DataProduct
 * entity and back, losslessly.
 */
export { ODPS_API_VERSIONS, validateOdpsDocument } from './schemas';
export type { OdpsStructure, OdpsValidationResult } from './schemas';
export { ODPS_DEFAULTED_ANNOTATION, odpsNameToEntityName } from './mapping';
export type { OdpsDefaultedField } from './mapping';
export { importOdpsDocument } from './importOdps';
export type { OdpsImportOptions } from './importOdps';
export { exportOdpsDocument } from './exportOdps';
