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
