import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  ApiEntityV1alpha1,
  Entity,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  DataProductEntityV1alpha1,
  DataProductFormInputPort,
  DataProductFormValues,
  dataProductFromForm,
  DataProductStatus,
  formatProblems,
  inputErrorWithProblems,
  isDataProductEntity,
  isValidDataProductEntity,
  ODCS_API_TYPE,
  OUTPUT_PORT_TYPES,
  parseDataMeshRef,
  Problem,
  problemsOf,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { examples } from './productDescriptor.examples';
import { dropUndefined, initiatorOrOwnCredentials } from './util';

/** The lifecycle of a contract API, from the status of the product that provides it. */
const API_LIFECYCLES: Record<DataProductStatus, string> = {
  proposed: 'experimental',
  draft: 'experimental',
  active: 'production',
  deprecated: 'deprecated',
  retired: 'deprecated',
};

/**
 * Writes the `catalog-info.yaml` of a new data product from the template's form, after checking
 * it against the DataProduct schema so that a bad form never produces a descriptor the catalog
 * would refuse. With `contractsDirectory`, the file also holds one `odcs` API entity per output
 * port, reading its contract from `<contractsDirectory>/<port>.odcs.yaml` (as written by
 * `data-mesh:contract:create`), and each port names that API as its contract.
 *
 * Given the catalog, input ports are checked against their upstream products: the upstream
 * product must exist, the output port defaults to its only one, and the contract to that
 * port's, so that the lineage and the consumed contract show up in the catalog.
 * @public
 */
export function createProductDescriptorAction(
  options: { catalog?: CatalogService; auth?: AuthService } = {},
) {
  return createTemplateAction({
    id: 'data-mesh:product:descriptor',
    description:
      'Writes the catalog-info.yaml of a new DataProduct (and the API entities of its port contracts), validated against the DataProduct schema.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe('Entity name of the product, e.g. customer-orders'),
        title: z => z.string().optional().describe('Human readable name'),
        description: z => z.string().optional(),
        tags: z => z.array(z.string()).optional(),
        annotations: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              'metadata.annotations, e.g. backstage.io/techdocs-ref: dir:.',
            ),
        owner: z =>
          z
            .string()
            .describe('Owning group, e.g. group:sales-data or a picked ref'),
        domain: z =>
          z
            .string()
            .describe('Domain the product belongs to, e.g. sales or a ref'),
        status: z =>
          z
            .enum(DATA_PRODUCT_STATUSES)
            .optional()
            .describe('Lifecycle status; default draft'),
        type: z => z.enum(DATA_PRODUCT_TYPES).optional(),
        version: z => z.string().optional().describe('e.g. 0.1.0'),
        classification: z => z.enum(DATA_CLASSIFICATIONS).optional(),
        personalData: z => z.boolean().optional(),
        purpose: z => z.string().optional(),
        usage: z => z.string().optional(),
        limitations: z => z.string().optional(),
        system: z =>
          z.string().optional().describe('System implementing the product'),
        inputPorts: z =>
          z
            .array(
              z
                .object({
                  name: z
                    .string()
                    .optional()
                    .describe(
                      'Port name; default the upstream product (and port) name',
                    ),
                  dataProduct: z
                    .string()
                    .optional()
                    .describe('Upstream DataProduct (picked ref or name)'),
                  outputPort: z
                    .string()
                    .optional()
                    .describe(
                      "Upstream output port; default the product's only one",
                    ),
                  contract: z
                    .string()
                    .optional()
                    .describe(
                      "API entity of the consumed contract; default the upstream port's",
                    ),
                  description: z.string().optional(),
                })
                .passthrough(),
            )
            .optional()
            .describe('Upstream products this one reads from'),
        outputPorts: z =>
          z
            .array(
              z
                .object({
                  name: z.string(),
                  type: z.enum(OUTPUT_PORT_TYPES),
                  version: z.string().optional(),
                  description: z.string().optional(),
                  contract: z.string().optional(),
                })
                // The template may pass the ports of its form as they are, columns included.
                .passthrough(),
            )
            .optional(),
        slos: z =>
          z
            .object({
              freshness: z
                .string()
                .optional()
                .describe('ISO-8601 duration, e.g. PT24H'),
              availability: z
                .number()
                .optional()
                .describe('Percent, e.g. 99.5'),
            })
            .optional(),
        support: z =>
          z
            .array(
              z.object({
                channel: z.string(),
                url: z.string().optional(),
                description: z.string().optional(),
              }),
            )
            .optional()
            .describe('Where consumers get help'),
        contractsDirectory: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory, relative to catalog-info.yaml, of the ports\u2019 ODCS contracts (<port>.odcs.yaml); when set, an odcs API entity per output port is written too',
            ),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory of the workspace to write catalog-info.yaml into; default the workspace root',
            ),
      },
      output: {
        entityRef: z => z.string().describe('Ref of the DataProduct written'),
        descriptorPath: z =>
          z.string().describe('Workspace-relative path of the file'),
        entity: z =>
          z
            .record(z.any())
            .describe(
              'The DataProduct written, e.g. for data-mesh:governance:check',
            ),
        contractRefs: z =>
          z
            .array(z.string())
            .describe('Refs of the contract API entities written'),
      },
    },
    async handler(ctx) {
      const { targetPath = '.', contractsDirectory } = ctx.input;
      let values: DataProductFormValues = ctx.input;
      if (options.catalog && values.inputPorts?.length) {
        const credentials = options.auth
          ? await initiatorOrOwnCredentials(ctx, options.auth)
          : await ctx.getInitiatorCredentials();
        const inputPorts = await resolveUpstream(
          values.inputPorts,
          options.catalog,
          { credentials },
        );
        values = { ...values, inputPorts };
      }
      // The template's form evaluates the same product live (the DataProductVerdict field).
      const entity = dataProductFromForm(values);

      try {
        isValidDataProductEntity(entity);
      } catch (error) {
        throw invalidDescriptor(problemsOf(error) ?? []);
      }
      const apis = contractsDirectory
        ? contractApis(entity, contractsDirectory)
        : [];

      const descriptorPath = path.join(targetPath, 'catalog-info.yaml');
      const file = resolveSafeChildPath(ctx.workspacePath, descriptorPath);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(
        file,
        [entity, ...apis].map(e => YAML.stringify(e)).join('---\n'),
        'utf8',
      );
      ctx.logger.info(
        `Wrote ${descriptorPath} for ${stringifyEntityRef(entity)}${
          apis.length
            ? ` and its contracts ${apis.map(a => a.metadata.name).join(', ')}`
            : ''
        }`,
      );

      ctx.output('entityRef', stringifyEntityRef(entity));
      ctx.output('descriptorPath', descriptorPath);
      ctx.output('entity', entity as unknown as Record<string, unknown>);
      ctx.output(
        'contractRefs',
        apis.map(api => stringifyEntityRef(api)),
      );
    },
  });
}

/**
 * Checks the upstream product of each input port of the form in the catalog and fills in what
 * the form left out: the upstream's only output port, and the contract of the upstream's port.
 * Refs are relative to the new product's namespace, `default`.
 */
async function resolveUpstream(
  inputPorts: DataProductFormInputPort[],
  catalog: CatalogService,
  options: Parameters<CatalogService['getEntityByRef']>[1],
): Promise<DataProductFormInputPort[]> {
  const product = { metadata: { name: '', namespace: 'default' } };
  const problems: Problem[] = [];
  const resolved: DataProductFormInputPort[] = [];
  for (const [i, formPort] of inputPorts.entries()) {
    const port = { ...formPort };
    resolved.push(port);
    if (!port.dataProduct) continue;
    const field = `inputPorts[${i}]`;
    let ref;
    try {
      ref = parseDataMeshRef(port.dataProduct, 'dataProduct', product);
    } catch {
      continue; // reported by the schema check
    }
    const upstream = await catalog.getEntityByRef(ref, options);
    if (!upstream || !isDataProductEntity(upstream)) {
      problems.push({
        field: `${field}.dataProduct`,
        message: `no data product ${stringifyEntityRef(ref)} in the catalog`,
      });
      continue;
    }
    const ports = upstream.spec.outputPorts ?? [];
    if (!port.outputPort && ports.length === 1) {
      port.outputPort = ports[0].name;
    }
    if (!port.outputPort) {
      if (ports.length > 1) {
        problems.push({
          field: `${field}.outputPort`,
          message: `choose one of the output ports of ${stringifyEntityRef(
            ref,
          )}: ${ports.map(p => p.name).join(', ')}`,
        });
      }
      continue;
    }
    const upstreamPort = ports.find(p => p.name === port.outputPort);
    if (!upstreamPort) {
      problems.push({
        field: `${field}.outputPort`,
        message: `${stringifyEntityRef(ref)} has no output port "${
          port.outputPort
        }"${
          ports.length
            ? `; its output ports are ${ports.map(p => p.name).join(', ')}`
            : ''
        }`,
      });
      continue;
    }
    if (!port.contract && upstreamPort.contract) {
      // The upstream's contract ref is relative to the upstream's namespace; the full ref is
      // written the short way for the new product.
      port.contract = stringifyEntityRef(
        parseDataMeshRef(upstreamPort.contract, 'contract', upstream),
      );
    }
  }
  if (problems.length) throw invalidDescriptor(problems);
  return resolved;
}

const entityNames = makeValidator();

/** The descriptor's problems: the task log shows the message, listing them. */
function invalidDescriptor(problems: Problem[]) {
  return inputErrorWithProblems(
    `The data product descriptor is invalid: ${formatProblems(problems)}`,
    problems,
  );
}

/**
 * One `odcs` API entity per output port, holding `<contractsDirectory>/<port>.odcs.yaml`: the
 * API that `dataProductFromForm` named as the port's contract (the port's own contract name if
 * given).
 */
function contractApis(
  entity: DataProductEntityV1alpha1,
  contractsDirectory: string,
): ApiEntityV1alpha1[] {
  const problems: Problem[] = [];
  const namespace = entity.metadata.namespace ?? 'default';
  const apis = (entity.spec.outputPorts ?? []).flatMap((port, i) => {
    let apiName;
    try {
      const ref = parseDataMeshRef(String(port.contract), 'contract', entity);
      if (
        ref.kind.toLocaleLowerCase('en-US') !== 'api' ||
        ref.namespace !== namespace
      ) {
        throw new Error();
      }
      apiName = ref.name;
    } catch {
      problems.push({
        field: `outputPorts[${i}].contract`,
        message: `"${port.contract}" must be the name of the API entity to create for the port's contract`,
      });
      return [];
    }
    if (!entityNames.isValidEntityName(apiName)) {
      problems.push({
        field: `outputPorts[${i}].name`,
        message: `the contract API name "${apiName}" is not a valid entity name (at most 63 characters); give the port a shorter name or name its contract`,
      });
      return [];
    }
    const definition = `./${path.posix.join(
      contractsDirectory.replace(/^\.\//, ''),
      `${port.name}.odcs.yaml`,
    )}`;
    const api: ApiEntityV1alpha1 = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: dropUndefined({
        name: apiName,
        title: `${entity.metadata.title ?? entity.metadata.name}: ${port.name}`,
        description: `Data contract of output port ${port.name} of data product ${entity.metadata.name}.`,
        tags: ['odcs'],
      }) as Entity['metadata'],
      spec: dropUndefined({
        type: ODCS_API_TYPE,
        lifecycle: API_LIFECYCLES[entity.spec.status] ?? 'experimental',
        owner: entity.spec.owner,
        system: entity.spec.system,
        // Read by the catalog from the file beside catalog-info.yaml.
        definition: { $text: definition } as unknown as string,
      }),
    };
    return [api];
  });
  if (problems.length) throw invalidDescriptor(problems);
  return apis;
}
