import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** The `ui:field` name of the output port tables field. @public */
export const OUTPUT_PORT_TABLES_FIELD_NAME = 'OutputPortTables';

/**
 * The schema of the output port tables field: its value is the data server chosen for the
 * product's tables and the DDL the backend would run there (shown on the review step), or no
 * server when the domain has none or the tables are left out.
 * @public
 */
export const OutputPortTablesFieldSchema = makeFieldSchema({
  output: z =>
    z
      .object({
        server: z.string().optional(),
        ddl: z.string().optional(),
      })
      .optional(),
  uiOptions: z =>
    z.object({
      descriptorInput: z
        .record(z.any())
        .optional()
        .describe(
          'Inputs the data-mesh:product:descriptor step sets besides the form values, as for DataProductVerdict',
        ),
    }),
});

/** The props of the output port tables field. @public */
export type OutputPortTablesFieldProps =
  typeof OutputPortTablesFieldSchema.TProps;
