import { requestAccess } from '../service/accessRoutes';
import {
  DataMeshActionsOptions,
  productRefField,
  userCredentials,
} from './shared';

/**
 * `request-data-access`: a usage agreement on an output port, exactly as the portal's Request
 * access form (`POST /access-requests`) creates it, for the signed-in user.
 */
export function registerRequestDataAccessAction(
  options: DataMeshActionsOptions,
) {
  const { actionsRegistry, auth } = options;
  const access = options.access!;
  actionsRegistry.register({
    name: 'request-data-access',
    title: 'Request access to a data product',
    description: `Asks for read access to one output port of a data product, for a consumer you belong to (one of your teams, or a Component or System your team owns), under a usage agreement: what the data is used for and until when.
The product's owners approve or reject it in the portal (a port whose approval is "automatic" is approved at once); state is then "requested", or "approved"/"active" once granted. Only then does preview-data return rows.
Get the product's entityRef and port names from search-data-products and get-data-product. A request already open for the same consumer and port is refused with its id.`,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: z =>
        z.object({
          productRef: productRefField(z),
          outputPort: z
            .string()
            .min(1)
            .max(200)
            .describe('The name of the output port, from get-data-product'),
          consumerRef: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'Who consumes the data: a Group you are a member of, e.g. "group:default/finance", or a Component or System your team owns',
            ),
          purpose: z
            .string()
            .min(1)
            .max(2000)
            .describe(
              'What the data is used for, in a sentence or two (the owners decide on it)',
            ),
          contractVersion: z
            .string()
            .max(100)
            .optional()
            .describe("The version of the port's contract you rely on"),
          until: z
            .string()
            .max(100)
            .optional()
            .describe(
              'When the agreement ends, an ISO 8601 date-time; access is revoked then',
            ),
        }),
      output: z =>
        z.object({
          id: z.string().describe('The agreement id'),
          productRef: z.string(),
          outputPort: z.string(),
          consumerRef: z.string(),
          purpose: z.string(),
          contractVersion: z.string().optional(),
          until: z.string().optional(),
          state: z
            .string()
            .describe(
              'requested, approved, active, rejected, revoked, expired or failed',
            ),
          approval: z.string(),
          requestedBy: z.string(),
          requestedAt: z.string(),
          updatedAt: z.string(),
          decidedBy: z.string().optional(),
          decidedAt: z.string().optional(),
          server: z.string().optional(),
          failureReason: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = userCredentials(auth, credentials, 'request access to data');
      return { output: await requestAccess(access, user, input) };
    },
  });
}
