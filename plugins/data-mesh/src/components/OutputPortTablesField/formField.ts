import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { OutputPortTablesField } from './OutputPortTablesField';
import {
  OUTPUT_PORT_TABLES_FIELD_NAME,
  OutputPortTablesFieldSchema,
} from './schema';

/** The output port tables field for the new frontend system's scaffolder. */
export const OutputPortTables = createFormField({
  name: OUTPUT_PORT_TABLES_FIELD_NAME,
  component: OutputPortTablesField,
  schema: OutputPortTablesFieldSchema,
});
