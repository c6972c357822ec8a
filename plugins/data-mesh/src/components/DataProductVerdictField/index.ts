export { DataProductVerdictField } from './DataProductVerdictField';
export {
  DATA_PRODUCT_VERDICT_FIELD_NAME,
  DataProductVerdictFieldSchema,
} from './schema';
export type { DataProductVerdictFieldProps } from './schema';
