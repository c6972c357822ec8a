/** The apiVersion of every data mesh kind. @public */
export const DATA_MESH_API_VERSION = 'datamesh-portal.io/v1alpha1';

/** Annotation that keeps the ODPS id of a product imported from an ODPS document. @public */
export const ODPS_ID_ANNOTATION = 'datamesh-portal.io/odps-id';

/** Lifecycle states of a data product, in lifecycle order. @public */
export const DATA_PRODUCT_STATUSES = [
  'proposed',
  'draft',
  'active',
  'deprecated',
  'retired',
] as const;

/** @public */
export const DATA_PRODUCT_TYPES = [
  'source-aligned',
  'aggregate',
  'consumer-aligned',
] as const;

/** @public */
export const OUTPUT_PORT_TYPES = [
  'table',
  'view',
  'topic',
  'file',
  'api',
  'dashboard',
  'model',
  'other',
] as const;

/** Data classifications, from least to most sensitive. @public */
export const DATA_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;

/**
 * Annotation the catalog sets on an `odcs` API entity: the `id` of the ODCS contract it holds,
 * so that ports naming their contract by id (ODPS `contractId`) can be resolved.
 * @public
 */
export const ODCS_ID_ANNOTATION = 'datamesh-portal.io/odcs-id';

/** `spec.type` of API entities that hold an ODCS data contract. @public */
export const ODCS_API_TYPE = 'odcs';
