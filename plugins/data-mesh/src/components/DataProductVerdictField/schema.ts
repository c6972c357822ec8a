import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** The `ui:field` name of the data product verdict field. @public */
export const DATA_PRODUCT_VERDICT_FIELD_NAME = 'DataProductVerdict';

/**
 * The schema of the data product verdict field: it holds no value (`type: 'null'` in the
 * template) and takes, as `ui:options.descriptorInput`, the inputs that the template's
 * `data-mesh:product:descriptor` step sets besides the form's values.
 * @public
 */
export const DataProductVerdictFieldSchema = makeFieldSchema({
  output: z => z.null().optional(),
  uiOptions: z =>
    z.object({
      descriptorInput: z
        .record(z.any())
        .optional()
        .describe(
          'Inputs the data-mesh:product:descriptor step sets besides the form values (e.g. contractsDirectory, annotations), so that the verdict is on the product the template creates',
        ),
    }),
});

/** The props of the data product verdict field. @public */
export type DataProductVerdictFieldProps =
  typeof DataProductVerdictFieldSchema.TProps;
