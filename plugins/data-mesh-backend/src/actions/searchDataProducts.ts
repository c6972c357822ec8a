import { productQuery } from '../service/homeRoutes';
import { DataMeshActionsOptions } from './shared';

const STATUSES = [
  'proposed',
  'draft',
  'active',
  'deprecated',
  'retired',
] as const;
const TYPES = ['source-aligned', 'aggregate', 'consumer-aligned'] as const;
const CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;

/**
 * `search-data-products`: the explorer of the data mesh home, with its text and filters, one
 * page at a time, over the products the caller may read.
 */
export function registerSearchDataProductsAction(
  options: DataMeshActionsOptions,
) {
  const { actionsRegistry, home, evaluations } = options;
  actionsRegistry.register({
    name: 'search-data-products',
    title: 'Search data products',
    description: `Finds data products in the data mesh: their name, owner team, domain, status, classification and quality (score, level, governance compliance).
Use it first to find a product, then get-data-product with its entityRef for its ports, contract schema, scorecard and test results.
"query" matches names, titles, descriptions, tags, port names and contract column names (case-insensitive substring). Each filter is a list and matches any of its values (the explorer's filters, as in its URL); different filters must all match. Only products you may read in the catalog and that have been evaluated are listed.
Results are paged: totalCount is the number of matches, and nextOffset (when present) is the offset of the next page.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          query: z
            .string()
            .max(200)
            .optional()
            .describe(
              'Free text, e.g. "orders" or a column name such as "customer_id"',
            ),
          domain: z
            .array(z.string().min(1).max(300))
            .max(50)
            .optional()
            .describe('Domain refs, e.g. "domain:default/sales" or "sales"'),
          owner: z
            .array(z.string().min(1).max(300))
            .max(50)
            .optional()
            .describe(
              'Owner team refs, e.g. "group:default/sales-data" or "sales-data"',
            ),
          status: z.array(z.enum(STATUSES)).optional(),
          type: z.array(z.enum(TYPES)).optional(),
          classification: z.array(z.enum(CLASSIFICATIONS)).optional(),
          personalData: z
            .boolean()
            .optional()
            .describe(
              'true: only products holding personal data; false: only those without',
            ),
          level: z
            .array(z.string().min(1).max(100))
            .max(20)
            .optional()
            .describe(
              `Scorecard levels (the portal's are ${evaluations.config.rules.levels.join(
                ', ',
              )}), or "none" for products below the first level`,
            ),
          compliant: z
            .boolean()
            .optional()
            .describe(
              'true: only products passing governance; false: only those failing',
            ),
          sort: z
            .enum(['name', '-name', 'score', '-score'])
            .optional()
            .describe('By name or score; "-" for descending. Default name'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe('Page size, default 25'),
          offset: z.number().int().min(0).optional().describe('Default 0'),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              entityRef: z.string(),
              name: z.string(),
              title: z.string().nullable(),
              domainRef: z.string().nullable(),
              ownerRef: z.string().nullable(),
              status: z.string().nullable(),
              type: z.string().nullable(),
              classification: z.string().nullable(),
              personalData: z.boolean().nullable(),
              score: z.number(),
              level: z.string().nullable(),
              compliant: z.boolean(),
              evaluatedAt: z.string(),
            }),
          ),
          totalCount: z.number(),
          limit: z.number(),
          offset: z.number(),
          nextOffset: z.number().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      // The explorer's own parsing: refs and levels are checked as the route checks them.
      const query = productQuery(
        {
          q: input.query,
          domain: input.domain,
          owner: input.owner,
          status: input.status,
          type: input.type,
          classification: input.classification,
          personalData:
            input.personalData === undefined ? undefined : [input.personalData],
          level: input.level,
          compliant:
            input.compliant === undefined ? undefined : [input.compliant],
          sort: input.sort ?? 'name',
          limit: input.limit ?? 25,
          offset: input.offset ?? 0,
        },
        evaluations.config.rules.levels,
      );
      const page = await home.explore(query, credentials);
      const next = page.offset + page.items.length;
      return {
        output: {
          ...page,
          ...(next < page.totalCount ? { nextOffset: next } : {}),
        },
      };
    },
  });
}
