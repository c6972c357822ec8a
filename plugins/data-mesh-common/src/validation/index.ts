export { formatSchemaErrors } from './formatSchemaErrors';
export type { FormatSchemaErrorsOptions } from './formatSchemaErrors';
