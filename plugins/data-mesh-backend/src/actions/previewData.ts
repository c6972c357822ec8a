import {
  DEFAULT_PREVIEW_ROWS,
  MAX_PREVIEW_ROWS,
} from '../service/DataPreviewService';
import { previewPort } from '../service/previewRoutes';
import { entityRefParam } from '../service/requestParams';
import {
  DataMeshActionsOptions,
  productRefField,
  userCredentials,
} from './shared';

/**
 * `preview-data`: the read-only preview of an output port (`GET .../ports/:port/preview`):
 * for its owners, and members of a consumer with an active agreement on the port; refused to
 * anyone else.
 */
export function registerPreviewDataAction(options: DataMeshActionsOptions) {
  const { actionsRegistry, auth } = options;
  const preview = options.preview!;
  actionsRegistry.register({
    name: 'preview-data',
    title: 'Preview the data of a data product',
    description: `Reads the first rows (at most ${MAX_PREVIEW_ROWS}) of each table of one output port of a data product, read-only, with the columns its data contract declares.
Only the product's owners and members of a consumer with an active usage agreement on the port may read it: anyone else is refused and should use request-data-access first and wait for the owners' approval. Values of columns classified restricted are masked (null) for consumers.
A table that could not be read has an "error" instead of rows.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          productRef: productRefField(z),
          outputPort: z
            .string()
            .min(1)
            .max(200)
            .describe('The name of the output port, from get-data-product'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_PREVIEW_ROWS)
            .optional()
            .describe(`Rows per table, default ${DEFAULT_PREVIEW_ROWS}`),
        }),
      output: z =>
        z.object({
          productRef: z.string(),
          outputPort: z.string(),
          server: z.string(),
          agreementId: z
            .string()
            .optional()
            .describe('The agreement you read under; none for an owner'),
          tables: z.array(
            z.object({
              name: z.string(),
              physicalName: z.string().optional(),
              columns: z.array(z.object({}).passthrough()),
              rows: z.array(z.array(z.unknown())),
              truncated: z.boolean().describe('More rows exist'),
              masked: z
                .array(z.string())
                .describe('Columns whose values are withheld'),
              error: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = userCredentials(auth, credentials, 'preview data');
      const output = await previewPort(preview, user, {
        ref: entityRefParam(input.productRef, 'productRef', 'DataProduct'),
        port: input.outputPort,
        limit: input.limit ?? DEFAULT_PREVIEW_ROWS,
      });
      return { output };
    },
  });
}
