import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  dataMeshOutputPortProvisionPermission,
  entityRefKey,
  isValidDataProductEntity,
  OdcsContract,
  parseDataMeshRef,
  problemsOf,
  productRelatedRefs,
  validateOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  OutputPortProvisioner,
  OutputPortProvisionRequest,
  ProvisioningPlan,
} from '@datamesh-portal/plugin-data-mesh-node';
import YAML from 'yaml';
import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { AccessConfig } from '../access/accessConfig';
import { consumerDatabaseRole } from '../access/consumerDatabaseRole';
import type { ContractConsumer } from '../service/ContractImpactService';
import { portObjects } from './portObjects';
import { BreakingChangeError, quoteIdentifier } from './sqlPlan';
import {
  domainSchema,
  ProvisioningConfig,
  ProvisioningServer,
  serversForDomain,
} from './provisioningConfig';

/** Port types whose data is a table a provisioner can create. */
export const PROVISIONED_PORT_TYPES = ['table', 'view'];

/** A server a domain may provision on, as the API answers it. */
export interface DomainServer {
  id: string;
  type: string;
  schema: string;
  /** The entry of a contract's `servers` for the tables on it (ODCS). */
  contractServer: Record<string, string | number>;
}

/** The contract of one port to provision, as a request gives it. */
export interface PortContractInput {
  port: string;
  /** An ODCS contract: an object, or its YAML or JSON text. */
  definition: unknown;
}

/** What a template or the portal asks to provision. */
export interface ProvisioningInput {
  /** The DataProduct, a template's draft or as the catalog holds it. */
  entity: unknown;
  contracts: PortContractInput[];
  /** A server id; default the first the domain may use. */
  server?: string;
}

/** One port's plan, or what ran for it. */
export interface PortPlan {
  port: string;
  objects: ProvisioningPlan['objects'];
  statements: string[];
  notes: string[];
  /** Plan only: why the contract change would break the tables' readers; apply refuses it. */
  breaking?: string[];
  /** With `breaking`: who relies on the port's contract, as far as the caller may read. */
  consumers?: ContractConsumer[];
}

/**
 * Who relies on a contract (by entity ref), as far as the caller may read: the consumers a
 * breaking change would break. A NotFoundError when the caller may not read the contract.
 */
export type ContractConsumersLookup = (
  contractRef: string,
) => Promise<ContractConsumer[]>;

/** The answer of plan and apply. */
export interface ProvisioningResult {
  entityRef: string;
  server: DomainServer;
  dialect: string;
  applied: boolean;
  ports: PortPlan[];
}

/** A port's provisioning request, checked and ready for the provisioner. */
interface PreparedPort {
  request: OutputPortProvisionRequest;
  /** The API entity holding the port's contract, when the port names one. */
  contractRef?: string;
}

/**
 * Creates the tables of a product's output ports from their contracts, through the output
 * port provisioners (modules' first, then the built-in PostgreSQL and DuckDB ones), on a
 * server `dataMesh.provisioning.servers` lets the product's domain use, in the domain's
 * schema. Only the product's owners may: members of its owning group (the catalog's owner
 * when the catalog holds the product, the draft's otherwise) with
 * `data-mesh.output-port.provision`. Every port is validated before anything runs; each port
 * is applied in one transaction, and when a later port fails, the tables created for the
 * earlier ones in the same call are dropped again: nothing is left half done.
 */
export class ProvisioningService {
  constructor(
    private readonly options: {
      config: ProvisioningConfig;
      /** `dataMesh.servers`: where each server is, for contracts' server entries. */
      servers: Map<string, ServerConfig>;
      access: AccessConfig;
      provisioners: OutputPortProvisioner[];
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      logger: LoggerService;
    },
  ) {}

  /** The servers a domain may provision on, with the domain's schema on each. */
  servers(domainRef: string): DomainServer[] {
    let schema: string;
    try {
      schema = domainSchema(domainRef);
    } catch {
      throw new InputError(`domain: "${domainRef}" is not a domain ref`);
    }
    return serversForDomain(this.options.config, domainRef).map(s =>
      this.describe(s, schema),
    );
  }

  /** A server as the API answers it, with the contract entry for its tables. */
  private describe(server: ProvisioningServer, schema: string): DomainServer {
    const config = this.options.servers.get(server.id);
    const contractServer: Record<string, string | number> = {
      server: server.id,
      type: server.type,
    };
    if (config?.type === 'postgres') {
      contractServer.host = config.host;
      contractServer.port = config.port;
      contractServer.database = config.database;
    } else if (config?.type === 'duckdb') {
      contractServer.database = config.path ?? ':memory:';
    }
    contractServer.schema = schema;
    return { id: server.id, type: server.type, schema, contractServer };
  }

  /**
   * Validates against the server and answers the DDL. Changes nothing. A port whose contract
   * change is breaking is answered with what breaks and (through `consumersOf`) whom.
   */
  async plan(
    input: ProvisioningInput,
    credentials: BackstageCredentials,
    consumersOf?: ContractConsumersLookup,
  ): Promise<ProvisioningResult> {
    const prepared = await this.prepare(input, credentials);
    const provisioner = this.provisionerFor(prepared.server);
    const ports: PortPlan[] = [];
    for (const port of prepared.ports) {
      const { request } = port;
      try {
        ports.push(portPlan(request.port, await provisioner.plan(request)));
      } catch (error) {
        if (!(error instanceof BreakingChangeError)) throw error;
        ports.push({
          port: request.port,
          objects: error.tables.map(table => ({ table, action: 'alter' })),
          statements: [],
          notes: [],
          breaking: error.breaking,
          consumers: await consumersFor(port, consumersOf),
        });
      }
    }
    return this.result(prepared, ports, false);
  }

  /**
   * Plans every port (so that a bad one stops it all before anything runs), then applies
   * them one by one; a port that fails takes away the tables created before it in this call.
   */
  async apply(
    input: ProvisioningInput,
    credentials: BackstageCredentials,
    consumersOf?: ContractConsumersLookup,
  ): Promise<ProvisioningResult> {
    const prepared = await this.prepare(input, credentials);
    const provisioner = this.provisionerFor(prepared.server);
    for (const port of prepared.ports) {
      try {
        await provisioner.plan(port.request);
      } catch (error) {
        throw await refusal(error, port, consumersOf);
      }
    }
    const ports: PortPlan[] = [];
    for (const port of prepared.ports) {
      const { request } = port;
      try {
        ports.push(portPlan(request.port, await provisioner.apply(request)));
      } catch (error) {
        await this.undo(provisioner, prepared, ports);
        // A change that turned breaking since the plan above (the table changed meanwhile).
        throw await refusal(error, port, consumersOf);
      }
    }
    this.options.logger.info(
      `Provisioned ${ports.length} output port(s) of ${prepared.entityRef} on server ${prepared.server.id}`,
    );
    return this.result(prepared, ports, true);
  }

  private result(
    prepared: Prepared,
    ports: PortPlan[],
    applied: boolean,
  ): ProvisioningResult {
    return {
      entityRef: prepared.entityRef,
      server: this.describe(prepared.server, prepared.schema),
      dialect: prepared.server.type,
      applied,
      ports,
    };
  }

  /** Drops the tables this call created for the ports applied before a failure. */
  private async undo(
    provisioner: OutputPortProvisioner,
    prepared: Prepared,
    applied: PortPlan[],
  ) {
    for (const port of applied) {
      const request = prepared.ports.find(
        p => p.request.port === port.port,
      )!.request;
      const created = new Set(
        port.objects.filter(o => o.action === 'create').map(o => o.table),
      );
      const tables = request.objects
        .map(o => o.name)
        .filter(name =>
          [...created].some(t => t.endsWith(`.${quoteIdentifier(name)}`)),
        );
      if (tables.length === 0) continue;
      try {
        await provisioner.unprovision({
          server: request.server,
          schema: request.schema,
          productRef: request.productRef,
          port: request.port,
          tables,
        });
      } catch (error) {
        this.options.logger.error(
          `Could not take away the tables of port ${port.port} of ${
            prepared.entityRef
          } after a later port failed: ${
            isError(error) ? error.message : String(error)
          }`,
        );
      }
    }
  }

  private provisionerFor(server: ProvisioningServer): OutputPortProvisioner {
    const provisioner = this.options.provisioners.find(p =>
      p.supports(server.type),
    );
    if (!provisioner) {
      throw new InputError(
        `server: no output port provisioner handles servers of type ${server.type} (server ${server.id})`,
      );
    }
    return provisioner;
  }

  /** Checks the request, the caller and the server; the ports' provisioning requests. */
  private async prepare(
    input: ProvisioningInput,
    credentials: BackstageCredentials,
  ): Promise<Prepared> {
    const { catalog, auth } = this.options;
    const draft = input.entity;
    // Throws an InputError naming every bad field of the product.
    if (!isValidDataProductEntity(draft)) {
      throw new InputError(
        'entity: must be a DataProduct (apiVersion datamesh-portal.io/v1alpha1)',
      );
    }
    const entityRef = entityRefKey(draft);
    const own = { credentials: await auth.getOwnServiceCredentials() };
    const stored = await catalog.getEntityByRef(entityRef, own);
    // The catalog's owner and domain win over a draft's: a draft cannot claim a product.
    const product: Entity = stored ?? draft;
    const { owner, domain } = productRelatedRefs(product);
    if (!owner || !domain) {
      throw new InputError(
        `entity: ${entityRef} needs spec.owner and spec.domain to be provisioned`,
      );
    }
    await this.checkCaller(credentials, entityRef, owner, stored !== undefined);

    const servers = serversForDomain(this.options.config, domain);
    const server = input.server
      ? servers.find(s => s.id === input.server)
      : servers[0];
    if (!server) {
      const allowed = servers.map(s => s.id).join(', ');
      throw new InputError(
        input.server
          ? `server: ${
              input.server
            } is not a server the domain ${domain} may provision on (${
              allowed ? `it may use ${allowed}` : 'it may use none'
            }; dataMesh.provisioning.servers)`
          : `server: no server of dataMesh.provisioning.servers is configured for the domain ${domain}`,
      );
    }
    const schema = domainSchema(domain);
    const ownerRole =
      server.type === 'postgres'
        ? await this.ownerRole(owner, server.id)
        : undefined;

    // The draft's ports: a port being added is not in the catalog yet.
    const outputPorts = (draft.spec.outputPorts ?? []) as Array<{
      name: string;
      type?: string;
      contract?: string;
    }>;
    if (!Array.isArray(input.contracts) || input.contracts.length === 0) {
      throw new InputError('contracts: give the contract of at least one port');
    }
    const seen = new Set<string>();
    const ports = input.contracts.map((given, i): PreparedPort => {
      const field = `contracts[${i}]`;
      const port = outputPorts.find(p => p.name === given?.port);
      if (!port) {
        throw new InputError(
          `${field}.port: ${JSON.stringify(
            given?.port,
          )} is not an output port of ${entityRef}`,
        );
      }
      if (!PROVISIONED_PORT_TYPES.includes(port.type ?? 'table')) {
        throw new InputError(
          `${field}.port: port ${port.name} is of type ${
            port.type
          }; only ports of type ${PROVISIONED_PORT_TYPES.join(
            ' or ',
          )} get tables`,
        );
      }
      if (seen.has(port.name)) {
        throw new InputError(`${field}.port: port ${port.name} is given twice`);
      }
      seen.add(port.name);
      const contract = readContract(given.definition, `${field}.definition`);
      let objects;
      try {
        objects = portObjects(contract);
      } catch (error) {
        if (error instanceof InputError) {
          throw new InputError(`${field}.definition.${error.message}`);
        }
        throw error;
      }
      return {
        request: {
          server: { id: server.id, type: server.type },
          schema,
          ownerRole,
          productRef: entityRef,
          port: port.name,
          objects,
        },
        contractRef: contractRefOf(port.contract, draft),
      };
    });
    return { entityRef, server, schema, ports };
  }

  /** Members of the owning group with the permission; a NotAllowedError for anyone else. */
  private async checkCaller(
    credentials: BackstageCredentials,
    entityRef: string,
    owner: string,
    inCatalog: boolean,
  ) {
    const { auth, userInfo, permissions } = this.options;
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        `Only the owners of ${entityRef} may provision its output ports, as themselves`,
      );
    }
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const mine = new Set(ownershipEntityRefs.map(r => r.toLocaleLowerCase()));
    if (!mine.has(owner)) {
      // A draft's own owner is the caller's to see; the catalog's only if they may read the
      // product: a draft of a hidden product must not learn who owns it.
      const named =
        !inCatalog ||
        (await this.options.catalog.getEntityByRef(entityRef, { credentials }));
      throw new NotAllowedError(
        `Only the owners of ${entityRef}${
          named ? ` (${owner})` : ''
        } may provision its output ports`,
      );
    }
    const [decision] = await permissions.authorize(
      [{ permission: dataMeshOutputPortProvisionPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to ${dataMeshOutputPortProvisionPermission.name}`,
      );
    }
  }

  /** The owning team's database role on a server, which will own the tables. */
  private async ownerRole(owner: string, serverId: string): Promise<string> {
    const group = await this.options.catalog.getEntityByRef(
      parseEntityRef(owner),
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    if (!group) {
      throw new InputError(
        `entity: the owner ${owner} is not in the catalog, so it has no database role on server ${serverId}`,
      );
    }
    return consumerDatabaseRole(group, this.options.access, serverId);
  }
}

interface Prepared {
  entityRef: string;
  server: ProvisioningServer;
  schema: string;
  ports: PreparedPort[];
}

/** The entity ref of a port's contract; undefined when it names none (or no valid ref). */
function contractRefOf(
  contract: string | undefined,
  product: Entity,
): string | undefined {
  if (!contract) return undefined;
  try {
    return entityRefKey(parseDataMeshRef(contract, 'contract', product));
  } catch {
    return undefined;
  }
}

/**
 * The consumers of a port's contract the caller may read; none when the port names no
 * contract entity or the caller may not read it (the refusal stands without them).
 */
async function consumersFor(
  port: PreparedPort,
  consumersOf: ContractConsumersLookup | undefined,
): Promise<ContractConsumer[]> {
  if (!port.contractRef || !consumersOf) return [];
  try {
    return await consumersOf(port.contractRef);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InputError) {
      return [];
    }
    throw error;
  }
}

/** A consumer in words: who, how it relies on the contract, and its owners. */
function describeConsumer(consumer: ContractConsumer): string {
  const how =
    consumer.kind === 'input-port'
      ? `input port ${consumer.port}`
      : `usage agreement ${consumer.agreementId} on port ${consumer.port} of ${consumer.productRef}`;
  const owners = consumer.owners.length
    ? `owners ${consumer.owners.join(', ')}`
    : 'owners not visible to you';
  return `${consumer.entityRef} (${how}; ${owners})`;
}

/**
 * A breaking change's refusal naming the consumers it would break (409); any other error as
 * it is.
 */
async function refusal(
  error: unknown,
  port: PreparedPort,
  consumersOf: ContractConsumersLookup | undefined,
): Promise<unknown> {
  if (!(error instanceof BreakingChangeError)) return error;
  const consumers = await consumersFor(port, consumersOf);
  const whom = consumers.length
    ? `it would break ${consumers.length} consumer(s) of ${
        port.contractRef
      }: ${consumers.map(describeConsumer).join('; ')}`
    : `no consumer of its contract is visible to you`;
  return new ConflictError(`${error.message}. ${whom}`);
}

function portPlan(port: string, plan: ProvisioningPlan): PortPlan {
  return {
    port,
    objects: plan.objects,
    statements: plan.statements,
    notes: plan.notes,
  };
}

/** A contract given as an object or as its YAML or JSON text, validated against ODCS. */
export function readContract(definition: unknown, field: string): OdcsContract {
  let document = definition;
  if (typeof definition === 'string') {
    try {
      document = YAML.parse(definition);
    } catch (error) {
      throw new InputError(
        `${field}: is not YAML or JSON: ${
          isError(error) ? error.message.split('\n')[0] : String(error)
        }`,
      );
    }
  }
  try {
    return validateOdcsContract(document);
  } catch (error) {
    const problems = problemsOf(error);
    if (problems?.length) {
      throw new InputError(
        `${field}: not a valid ODCS contract: ${problems
          .slice(0, 10)
          .map(p => `${p.field ? `${p.field} ` : ''}${p.message}`)
          .join('; ')}`,
      );
    }
    throw new InputError(
      `${field}: ${isError(error) ? error.message : String(error)}`,
    );
  }
}
