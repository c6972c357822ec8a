import { MAX_CONTRACT_CHANGES } from '@datamesh-portal/plugin-data-mesh-common';
import { DataMeshActionsOptions } from './shared';

/**
 * Most definition text read: the MCP actions backend refuses a request over 100 kB (its JSON
 * body limit) before it gets here; a direct call to the registry gets this bound.
 */
const MAX_DEFINITION_LENGTH = 100_000;

/**
 * `explain-contract-change`: what a proposed definition of a data contract changes for its
 * consumers and who they are (`POST /contracts/impact`), read with the caller's credentials.
 */
export function registerExplainContractChangeAction(
  options: DataMeshActionsOptions,
) {
  const { actionsRegistry } = options;
  const impact = options.contractImpact!;
  actionsRegistry.register({
    name: 'explain-contract-change',
    title: 'Explain a data contract change',
    description: `Compares a proposed new definition of a data contract (an ODCS v3 document) with the one in the catalog, and says what it changes for the consumers and who they are. Nothing is stored or published.
Each change has a severity: "breaking" (a consumer may fail: a removed or renamed column, a narrowed or changed type, a column that became optional...; needs a new major version), "non-breaking" (a new minor version) or "patch" (documentation only). "required" is the version bump the changes need, "declared" the bump from the current version to the proposed one; "covered" is false when the proposed version is too low.
"consumers" lists who relies on the contract, as far as you may read them: products reading it on an input port, and consumers with an active usage agreement on an output port carrying it, each with the teams to tell. A breaking change affects them all.
The contract ref is an API entity of spec.type odcs, e.g. "api:default/customers-contract"; get-data-product lists a product's contracts.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          contractRef: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The contract\'s entity ref, e.g. "api:default/customers-contract" (the kind defaults to API)',
            ),
          definition: z
            .union([
              z.string().min(1).max(MAX_DEFINITION_LENGTH),
              z.object({}).passthrough(),
            ])
            .describe(
              'The proposed ODCS document: its YAML (or JSON) text, or an object; at most 100 kB',
            ),
        }),
      output: z =>
        z.object({
          contractRef: z.string(),
          currentVersion: z.string(),
          proposedVersion: z.string(),
          required: z
            .enum(['major', 'minor', 'patch', 'none'])
            .describe('The version bump the changes need'),
          declared: z
            .enum(['major', 'minor', 'patch', 'none'])
            .describe('The bump from the current to the proposed version'),
          covered: z
            .boolean()
            .describe('The declared bump is at least the required one'),
          breaking: z.boolean().describe('Some change breaks consumers'),
          changes: z
            .array(
              z.object({
                rule: z.string(),
                severity: z.enum(['breaking', 'non-breaking', 'patch']),
                path: z
                  .string()
                  .describe('Where in the document, e.g. schema.orders.amount'),
                message: z.string(),
              }),
            )
            .describe(
              `Most severe first; beyond ${MAX_CONTRACT_CHANGES} of a severity, a last change counts the rest`,
            ),
          consumers: z.array(
            z.object({
              entityRef: z
                .string()
                .describe(
                  "The consuming product, or the agreement's consumer (a Group, Component or System)",
                ),
              kind: z.enum(['input-port', 'agreement']),
              port: z
                .string()
                .optional()
                .describe(
                  'The input port reading the contract, or the output port the agreement is on',
                ),
              productRef: z
                .string()
                .optional()
                .describe('The product providing the port, for an agreement'),
              agreementId: z.string().optional(),
              contractVersion: z
                .string()
                .optional()
                .describe('The contract version the agreement relies on'),
              owners: z.array(z.string()).describe('Whom to tell'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await impact.impact({
        contractRef: input.contractRef,
        proposed: input.definition,
        credentials,
      }),
    }),
  });
}
