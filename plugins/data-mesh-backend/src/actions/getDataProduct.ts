import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  dataMeshDraftPoliciesReadPermission,
  DataProductEntityV1alpha1,
  entityRefKey,
  flattenProperties,
  isDataProductEntity,
  listOf,
  OdcsSchemaObject,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { CatalogContractLookup } from '@datamesh-portal/plugin-data-mesh-node';
import { portContractRef } from '../service/previewRoutes';
import { entityRefParam } from '../service/requestParams';
import {
  describeGovernance,
  describeScorecard,
  governanceSchema,
  scorecardSchema,
} from './verdict';
import { DataMeshActionsOptions, productRefField, Zod } from './shared';

/** Bounds of a contract's summary: an assistant reads a schema, not a dump of it. */
const MAX_OBJECTS = 50;
const MAX_PROPERTIES = 200;
/** Problems of a contract test run listed; the summary counts them all. */
const MAX_PROBLEMS = 20;

const optionalString = (z: Zod) => z.string().optional();

const contractSchema = (z: Zod) =>
  z.object({
    contractRef: z.string(),
    ports: z.array(z.string()).describe('Output ports serving this contract'),
    id: optionalString(z),
    version: optionalString(z),
    status: optionalString(z),
    objects: z
      .array(
        z.object({
          name: z.string(),
          physicalName: optionalString(z),
          description: optionalString(z),
          properties: z.array(
            z.object({
              path: z.string(),
              logicalType: optionalString(z),
              physicalType: optionalString(z),
              required: z.boolean().optional(),
              primaryKey: z.boolean().optional(),
              classification: optionalString(z),
              description: optionalString(z),
            }),
          ),
          propertiesLeftOut: z.number().optional(),
        }),
      )
      .describe('The schema objects (tables) and their properties (columns)'),
    objectsLeftOut: z.number().optional(),
    error: optionalString(z).describe('Why the contract could not be read'),
  });

const testSummarySchema = (z: Zod) =>
  z.object({
    passed: z.number(),
    failed: z.number(),
    errors: z.number(),
    skipped: z.number(),
  });

/** A string field of a contract, if it is one. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function summarizeObject(object: OdcsSchemaObject) {
  const properties = flattenProperties(object.properties);
  return {
    name: String(object.name ?? ''),
    ...(text(object.physicalName)
      ? { physicalName: text(object.physicalName) }
      : {}),
    ...(text(object.description)
      ? { description: text(object.description) }
      : {}),
    properties: properties.slice(0, MAX_PROPERTIES).map(
      ({ property, path }) =>
        Object.fromEntries(
          Object.entries({
            path,
            logicalType: text(property.logicalType),
            physicalType: text(property.physicalType),
            required:
              typeof property.required === 'boolean'
                ? property.required
                : undefined,
            primaryKey:
              typeof property.primaryKey === 'boolean'
                ? property.primaryKey
                : undefined,
            classification: text(property.classification),
            description: text(property.description),
          }).filter(([, v]) => v !== undefined),
        ) as { path: string },
    ),
    ...(properties.length > MAX_PROPERTIES
      ? { propertiesLeftOut: properties.length - MAX_PROPERTIES }
      : {}),
  };
}

/** The contracts of the product's output ports, as the caller may read them. */
async function contractsOf(
  options: DataMeshActionsOptions,
  product: DataProductEntityV1alpha1,
  credentials: BackstageCredentials,
) {
  const { catalog, auth } = options;
  const lookup = new CatalogContractLookup(catalog, auth, { credentials });
  const portsOf = new Map<string, string[]>();
  for (const port of product.spec.outputPorts ?? []) {
    const ref = await portContractRef(product, port, lookup).catch(
      () => undefined,
    );
    if (!ref) continue;
    const key = entityRefKey(ref);
    portsOf.set(key, [...(portsOf.get(key) ?? []), port.name]);
  }
  const refs = [...portsOf.keys()];
  const { items } = refs.length
    ? await catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials })
    : { items: [] as Array<Entity | undefined> };
  return refs.map((contractRef, i) => {
    const ports = portsOf.get(contractRef)!;
    const api = items[i];
    if (!api) {
      return { contractRef, ports, objects: [], error: 'Not in the catalog' };
    }
    try {
      const contract = readOdcsContract(
        (api.spec as { definition?: unknown }).definition as string,
      );
      const objects = listOf<OdcsSchemaObject>(contract.schema);
      return Object.fromEntries(
        Object.entries({
          contractRef,
          ports,
          id: text(contract.id),
          version: text(contract.version),
          status: text(contract.status),
          objects: objects.slice(0, MAX_OBJECTS).map(summarizeObject),
          objectsLeftOut:
            objects.length > MAX_OBJECTS
              ? objects.length - MAX_OBJECTS
              : undefined,
        }).filter(([, v]) => v !== undefined),
      ) as { contractRef: string; ports: string[]; objects: [] };
    } catch (error) {
      return {
        contractRef,
        ports,
        objects: [],
        error: `Not a readable ODCS contract: ${(error as Error).message}`,
      };
    }
  });
}

/** Undefined for a NotFoundError (not evaluated, never tested): the answer says null. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * `get-data-product`: one product as its page shows it: the descriptor, ports, the schema of
 * each contract, the scorecard, the governance verdict and the latest contract test results.
 */
export function registerGetDataProductAction(options: DataMeshActionsOptions) {
  const {
    actionsRegistry,
    checks,
    scorecards,
    governance,
    contractTests,
    evaluations,
  } = options;
  actionsRegistry.register({
    name: 'get-data-product',
    title: 'Get a data product',
    description: `Reads one data product: its descriptor (owner, domain, status, purpose, classification, personal data, SLOs), its input and output ports, the schema of each output port's data contract (tables and columns with types and classification), its quality scorecard (score, level, each check with how to fix it), its governance verdict (each policy's outcome, blocking or not, with remediation) and the latest contract test results (what was measured on the data).
scorecard and governance are null until the product is first evaluated; contractTests lists a contract without "latest" until it is first tested.
Use the output port names with preview-data or request-data-access.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ productRef: productRefField(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          descriptor: z
            .object({})
            .passthrough()
            .describe(
              'The DataProduct entity: apiVersion, kind, metadata, spec',
            ),
          outputPorts: z.array(
            z.object({
              name: z.string(),
              type: z.string(),
              version: z.string().optional(),
              description: z.string().optional(),
              contractRef: z.string().nullable(),
              approval: z
                .string()
                .describe(
                  'owners: the owners decide a request; automatic: approved at once',
                ),
            }),
          ),
          inputPorts: z.array(
            z.object({
              name: z.string(),
              dataProduct: z.string().optional(),
              outputPort: z.string().optional(),
              contract: z.string().optional(),
            }),
          ),
          contracts: z.array(contractSchema(z)),
          scorecard: scorecardSchema(z)
            .extend({ evaluatedAt: z.string() })
            .nullable(),
          governance: governanceSchema(z)
            .extend({ evaluatedAt: z.string() })
            .nullable(),
          contractTests: z.object({
            summary: testSummarySchema(z),
            contracts: z.array(
              z.object({
                contractRef: z.string(),
                latest: z
                  .object({
                    runId: z.string(),
                    version: z.string().nullable(),
                    server: z.string().nullable(),
                    finishedAt: z.string(),
                    summary: testSummarySchema(z),
                    problems: z
                      .array(z.object({}).passthrough())
                      .describe('Checks that failed or could not run'),
                  })
                  .optional(),
              }),
            ),
          }),
        }),
    },
    action: async ({ input, credentials }) => {
      const ref = entityRefParam(input.productRef, 'productRef', 'DataProduct');
      const product = await checks.readEntity(credentials, ref);
      if (!isDataProductEntity(product)) {
        throw new InputError(
          `productRef: ${entityRefKey(product)} is not a DataProduct`,
        );
      }
      const withDrafts = await checks.isAllowed(
        credentials,
        dataMeshDraftPoliciesReadPermission,
      );
      const [contracts, stored, verdict, tests] = await Promise.all([
        contractsOf(options, product, credentials),
        orNull(scorecards.latest(product)),
        orNull(governance.product(product, { withDrafts })),
        contractTests.productTests(product),
      ]);
      const contractOfPort = new Map(
        contracts.flatMap(c => c.ports.map(port => [port, c.contractRef])),
      );
      const { metadata, spec } = product;
      return {
        output: {
          entityRef: entityRefKey(product),
          descriptor: {
            apiVersion: product.apiVersion,
            kind: product.kind,
            metadata: {
              ...metadata,
              uid: undefined,
              etag: undefined,
            },
            spec,
          },
          outputPorts: (spec.outputPorts ?? []).map(port => ({
            name: port.name,
            type: port.type,
            ...(port.version ? { version: port.version } : {}),
            ...(port.description ? { description: port.description } : {}),
            contractRef: contractOfPort.get(port.name) ?? null,
            approval: port.access?.approval ?? 'owners',
          })),
          inputPorts: (spec.inputPorts ?? []).map(port => ({
            name: port.name,
            ...(port.dataProduct ? { dataProduct: port.dataProduct } : {}),
            ...(port.outputPort ? { outputPort: port.outputPort } : {}),
            ...(port.contract ? { contract: port.contract } : {}),
          })),
          contracts,
          scorecard: stored && {
            ...describeScorecard(stored, evaluations.config.rules),
            evaluatedAt: stored.evaluatedAt.toISOString(),
          },
          governance: verdict && {
            ...describeGovernance(verdict, verdict.policies),
            evaluatedAt: verdict.evaluatedAt,
          },
          contractTests: {
            summary: tests.summary,
            contracts: tests.contracts.map(({ contractRef, latest }) => ({
              contractRef,
              ...(latest
                ? {
                    latest: {
                      runId: latest.id,
                      version: latest.version,
                      server: latest.server,
                      finishedAt: latest.finishedAt,
                      summary: latest.summary,
                      problems: latest.checks
                        .filter(
                          check =>
                            check.outcome === 'fail' ||
                            check.outcome === 'error',
                        )
                        .slice(0, MAX_PROBLEMS),
                    },
                  }
                : {}),
            })),
          },
        },
      };
    },
  });
}
