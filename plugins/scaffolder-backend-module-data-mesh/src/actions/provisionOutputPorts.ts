import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DataMeshApiClient,
  DataMeshApiComponents,
  provisionedTableName,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { examples } from './provisionOutputPorts.examples';
import { errorMessage, initiatorOrOwnCredentials } from './util';

type ProvisioningRequest =
  DataMeshApiComponents['schemas']['ProvisioningRequest'];
type ProvisioningResponse =
  DataMeshApiComponents['schemas']['ProvisioningResponse'];

/** Port types whose data is a table the backend creates. */
const TABLE_PORT_TYPES = ['table', 'view'];

/**
 * Creates the tables of a new product's output ports through the data mesh backend
 * (`POST /api/data-mesh/provisioning/plan` then `/apply`), as the person running the
 * template: the backend lets only the product's owners do it, on a server the product's domain
 * may use, in the domain's schema. The contracts the template wrote (`<contractsDirectory>/<port>.odcs.yaml`,
 * one per table or view port) get the table's `physicalName` (`<product>_<object>` when they
 * name none) and the server the tables are on, so that contract tests find them. In a dry run
 * it only plans: the DDL is logged and returned, nothing is created.
 * @public
 */
export function createProvisionOutputPortsAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  const client = new DataMeshApiClient({ discoveryApi: discovery });
  return createTemplateAction({
    id: 'data-mesh:provision-output-ports',
    description:
      "Creates the tables of a data product's output ports from their contracts on a data server of its domain (validated first, each port in one transaction), and points the contracts at them.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entity: z =>
          z
            .record(z.any())
            .describe(
              'The DataProduct, e.g. the entity output of data-mesh:product:descriptor',
            ),
        server: z =>
          z
            .string()
            .optional()
            .describe(
              "Id of the data server (dataMesh.provisioning.servers); default the domain's first",
            ),
        contractsDirectory: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder of the contracts, one <port>.odcs.yaml per port; default contracts',
            ),
      },
      output: {
        server: z => z.string().describe('The server the tables are on'),
        schema: z => z.string().describe("The domain's schema on the server"),
        dialect: z => z.string().describe('The server type, e.g. duckdb'),
        applied: z =>
          z
            .boolean()
            .describe('Whether the tables were created (not a dry run)'),
        ddl: z =>
          z
            .string()
            .describe(
              'The statements, each ending with ; (empty: nothing to do)',
            ),
        tables: z =>
          z
            .array(z.string())
            .describe('Every table of the ports, schema.table as quoted'),
      },
    },
    async handler(ctx) {
      const entity = ctx.input.entity as unknown as Entity;
      const label = describeEntity(entity);
      const outputPorts = (
        (entity.spec?.outputPorts ?? []) as Array<{
          name?: unknown;
          type?: unknown;
        }>
      ).filter(
        p =>
          typeof p?.name === 'string' &&
          TABLE_PORT_TYPES.includes(String(p.type ?? 'table')),
      );
      if (outputPorts.length === 0) {
        throw new InputError(
          `entity.spec.outputPorts: ${label} has no output port of type ${TABLE_PORT_TYPES.join(
            ' or ',
          )}, so there is no table to create`,
        );
      }
      const directory = ctx.input.contractsDirectory ?? 'contracts';
      const contracts = await Promise.all(
        outputPorts.map(async port => {
          const file = path.posix.join(directory, `${port.name}.odcs.yaml`);
          const absolute = resolveSafeChildPath(ctx.workspacePath, file);
          let text: string;
          try {
            text = await fs.readFile(absolute, 'utf8');
          } catch {
            throw new InputError(
              `contractsDirectory: no contract ${file} for port ${port.name} in the workspace (write it with data-mesh:contract:create first)`,
            );
          }
          const document = YAML.parseDocument(text);
          if (document.errors.length || !YAML.isMap(document.contents)) {
            throw new InputError(`${file}: is not a YAML contract`);
          }
          return { port: String(port.name), file, absolute, text, document };
        }),
      );
      // The tables' names, as the contracts will say them.
      const product = entity.metadata?.name ?? 'product';
      for (const { document } of contracts) {
        const objects = document.get('schema');
        if (!YAML.isSeq(objects)) continue;
        for (const object of objects.items) {
          if (YAML.isMap(object) && !object.has('physicalName')) {
            object.set(
              'physicalName',
              provisionedTableName(
                product,
                String(object.get('name') ?? 'data'),
              ),
            );
          }
        }
      }

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await initiatorOrOwnCredentials(ctx, auth),
        targetPluginId: 'data-mesh',
      });
      const body: ProvisioningRequest = {
        // The spec types a free-form object as having no properties.
        entity: ctx.input.entity as ProvisioningRequest['entity'],
        contracts: contracts.map(c => ({
          port: c.port,
          definition: c.document.toJS(),
        })),
        ...(ctx.input.server ? { server: ctx.input.server } : {}),
      };
      const requestOptions = { token, signal: ctx.signal };
      let result: ProvisioningResponse;
      try {
        result = await client.planProvisioning({ body }, requestOptions);
        logPlan(ctx.logger, label, result);
        if (!ctx.isDryRun) {
          result = await client.applyProvisioning({ body }, requestOptions);
        }
      } catch (error) {
        throw await backendError(error, discovery, label);
      }

      // The contracts say where their tables are, for the contract tests.
      if (!ctx.isDryRun) {
        for (const c of contracts) {
          setServer(c.document, result.server);
          const header = c.text.match(/^(#[^\n]*\n)+/)?.[0] ?? '';
          await fs.writeFile(
            c.absolute,
            header + c.document.toString(),
            'utf8',
          );
        }
        ctx.logger.info(
          `Created the tables of ${label} on server ${result.server.id}, schema ${result.server.schema}`,
        );
      }

      const statements = result.ports.flatMap(p => p.statements);
      ctx.output('server', result.server.id);
      ctx.output('schema', result.server.schema);
      ctx.output('dialect', result.dialect);
      ctx.output('applied', result.applied);
      ctx.output(
        'ddl',
        statements.map(s => (s.endsWith(';') ? s : `${s};`)).join('\n'),
      );
      ctx.output(
        'tables',
        result.ports.flatMap(p => p.objects.map(o => o.table)),
      );
    },
  });
}

/** Adds (or updates) the contract's entry of the server the tables are on. */
function setServer(
  document: YAML.Document,
  server: ProvisioningResponse['server'],
) {
  const entry = server.contractServer;
  const servers = document.get('servers');
  if (!YAML.isSeq(servers)) {
    document.set('servers', document.createNode([entry]));
    return;
  }
  const at = servers.items.findIndex(
    item => YAML.isMap(item) && item.get('server') === server.id,
  );
  if (at >= 0) servers.items.splice(at, 1);
  servers.items.unshift(document.createNode(entry));
}

function logPlan(
  logger: { info(message: string): void },
  label: string,
  plan: ProvisioningResponse,
) {
  logger.info(
    `Tables of ${label} on server ${plan.server.id} (${plan.dialect}), schema ${plan.server.schema}:`,
  );
  for (const port of plan.ports) {
    for (const object of port.objects) {
      logger.info(`  port ${port.port}: ${object.action} ${object.table}`);
    }
    for (const statement of port.statements) logger.info(`${statement};`);
    for (const note of port.notes) logger.info(`Note: ${note}`);
  }
}

function describeEntity(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return 'The data product';
  }
}

/** The backend's refusal as the user's to fix (400, 403, 409), anything else as a failure. */
async function backendError(
  error: unknown,
  discovery: DiscoveryService,
  label: string,
): Promise<Error> {
  if (!(error instanceof ResponseError)) {
    const url = `${await discovery.getBaseUrl('data-mesh')}/provisioning`;
    return new Error(
      `Cannot reach the data mesh backend at ${url}: ${errorMessage(error)}`,
    );
  }
  const { status } = error.response;
  const message = error.body.error.message;
  if (status === 400 || status === 403 || status === 409) {
    return new InputError(
      `The tables of ${label} were not created: ${message}`,
    );
  }
  return new Error(
    `Provisioning the tables of ${label} failed with ${status} ${error.response.statusText}: ${message}`,
  );
}
