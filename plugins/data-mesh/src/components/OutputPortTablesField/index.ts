export { OutputPortTablesField } from './OutputPortTablesField';
export {
  OUTPUT_PORT_TABLES_FIELD_NAME,
  OutputPortTablesFieldSchema,
} from './schema';
export type { OutputPortTablesFieldProps } from './schema';
export { portContractsFromForm } from './portContracts';
