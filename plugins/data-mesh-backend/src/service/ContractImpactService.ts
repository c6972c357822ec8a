import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  bumpCovers,
  ContractChange,
  DATA_MESH_RELATIONS,
  DataProductEntityV1alpha1,
  declaredBump,
  diffContracts,
  entityRefKey,
  inputErrorWithProblems,
  isDataProductEntity,
  ODCS_API_TYPE,
  ODCS_ID_ANNOTATION,
  OdcsContract,
  parseDataMeshRef,
  problemsOf,
  productRelatedRefs,
  readOdcsContract,
  requiredBump,
  validateOdcsContract,
  VersionBump,
} from '@datamesh-portal/plugin-data-mesh-common';
import { AccessAgreementStore } from '../database/AccessAgreementStore';

/** Who relies on a contract: a product reading it on an input port, or a usage agreement. */
export interface ContractConsumer {
  /** The consuming product, or the agreement's consumer (a Group, Component or System). */
  entityRef: string;
  kind: 'input-port' | 'agreement';
  /** The input port reading the contract, or the output port the agreement is on. */
  port?: string;
  /** The product providing the port, for an agreement. */
  productRef?: string;
  agreementId?: string;
  /** The contract version the agreement relies on, when it names one. */
  contractVersion?: string;
  /** Who to tell: the product's or component's owner, or the consuming group itself. */
  owners: string[];
}

/** What a change from one definition of a contract to another means. */
export interface ContractComparison {
  currentVersion: string;
  proposedVersion: string;
  /** The bump the changes need. */
  required: VersionBump;
  /** The bump from the current version to the proposed one. */
  declared: VersionBump;
  /** Whether the declared bump covers the required one. */
  covered: boolean;
  /** Whether any change breaks consumers. */
  breaking: boolean;
  changes: ContractChange[];
}

/** A proposed definition of a contract and whom it would affect. */
export interface ContractImpact extends ContractComparison {
  contractRef: string;
  /**
   * Everyone relying on the contract that the caller may read: a breaking change breaks them
   * all, a non-breaking one none.
   */
  consumers: ContractConsumer[];
}

/** Most agreements read per contract; beyond them a contract's consumers are cut short. */
const MAX_AGREEMENTS = 5000;

/** The definition text of an API entity, as the catalog holds it. */
export function definitionOf(api: Entity): unknown {
  return (api.spec as { definition?: unknown } | undefined)?.definition;
}

/** Whether an entity is a data contract: an API of `spec.type` `odcs`. */
export function isContractEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    entity.spec?.type === ODCS_API_TYPE
  );
}

/**
 * Reads a proposed definition: a contract object or its YAML/JSON text, checked against the
 * ODCS schema. Problems name `field` and the path inside it.
 */
export function readProposedContract(
  value: unknown,
  field: string,
): OdcsContract {
  try {
    return validateOdcsContract(
      typeof value === 'string' ? readOdcsContract(value) : value,
    );
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const problems = problemsOf(error);
    throw inputErrorWithProblems(
      `${field}: ${error.message}`,
      problems?.length
        ? problems.map(p => ({ ...p, field: `${field}.${p.field}` }))
        : [{ field, message: error.message }],
    );
  }
}

/**
 * Compares two definitions of a contract as consumers see them. Throws an InputError naming
 * `field`.version when the proposed version is not semantic or goes down, and one about the
 * contract when its current version is not semantic.
 */
export function compareDefinitions(
  current: OdcsContract,
  proposed: OdcsContract,
  names: { contractRef: string; field: string },
): ContractComparison {
  let declared: VersionBump;
  try {
    declared = declaredBump(current.version, proposed.version);
  } catch (error) {
    const problems = problemsOf(error);
    if (!problems) throw error;
    throw inputErrorWithProblems(
      problems
        .map(p =>
          p.field === 'oldVersion'
            ? `${names.contractRef}: the version of its current definition is ${p.message}`
            : `${names.field}.version: ${p.message}`,
        )
        .join('; '),
      problems.map(p => ({
        field:
          p.field === 'oldVersion'
            ? names.contractRef
            : `${names.field}.version`,
        message: p.message,
      })),
    );
  }
  const changes = diffContracts(current, proposed);
  const required = requiredBump(changes);
  return {
    currentVersion: String(current.version),
    proposedVersion: String(proposed.version),
    required,
    declared,
    covered: bumpCovers(declared, required),
    breaking: changes.some(c => c.severity === 'breaking'),
    changes,
  };
}

/** Whether a port names the contract, by entity ref or by ODCS id. */
function portUses(
  port: { contract?: string; contractId?: string },
  product: Entity,
  contractRef: string,
  contractId: string | undefined,
): boolean {
  if (port.contract) {
    try {
      return (
        entityRefKey(parseDataMeshRef(port.contract, 'contract', product)) ===
        contractRef
      );
    } catch {
      return false;
    }
  }
  return Boolean(contractId && port.contractId === contractId);
}

/**
 * The impact of a contract change: the diff of a proposed definition against the one in the
 * catalog, and who relies on the contract: the products whose input ports read it (catalog
 * relations) and the active usage agreements on the output ports that carry it. Reads the
 * catalog with the caller's credentials, so it names only what the caller may read.
 */
export class ContractImpactService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      agreements: AccessAgreementStore;
    },
  ) {}

  /**
   * The diff of `proposed` against the contract's definition in the catalog, and its
   * consumers. A NotFoundError when the caller may not read the contract; an InputError naming
   * `contractRef` or `definition` for bad input.
   */
  async impact(request: {
    contractRef: string;
    proposed: unknown;
    credentials: BackstageCredentials;
  }): Promise<ContractImpact> {
    const { credentials } = request;
    const ref = parseContractRef(request.contractRef, 'contractRef');
    const contractRef = entityRefKey(ref);
    const proposed = readProposedContract(request.proposed, 'definition');
    const api = await this.readContract(ref, credentials, 'contractRef');
    const current = readOdcsContract(String(definitionOf(api) ?? ''));
    const comparison = compareDefinitions(current, proposed, {
      contractRef,
      field: 'definition',
    });
    return {
      contractRef,
      ...comparison,
      consumers: await this.consumersOf(api, credentials),
    };
  }

  /** The contract API as the caller may see it. */
  async readContract(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    field: string,
  ): Promise<Entity> {
    const api = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!api) throw new NotFoundError(`No entity ${entityRefKey(ref)}`);
    if (!isContractEntity(api)) {
      throw new InputError(
        `${field}: ${entityRefKey(
          ref,
        )} is not a data contract (an API of spec.type ${ODCS_API_TYPE})`,
      );
    }
    return api;
  }

  /**
   * Who relies on a contract, as far as `credentials` may read: products with an input port
   * on it, then active agreements on the output ports carrying it, each with its owners.
   */
  async consumersOf(
    api: Entity,
    credentials: BackstageCredentials,
  ): Promise<ContractConsumer[]> {
    const contractRef = entityRefKey(api);
    const contractId =
      api.metadata.annotations?.[ODCS_ID_ANNOTATION] ?? idOf(definitionOf(api));
    const fields = ['apiVersion', 'kind', 'metadata', 'spec', 'relations'];
    const [readers, providers] = await Promise.all(
      [DATA_MESH_RELATIONS.consumesApi, DATA_MESH_RELATIONS.providesApi].map(
        async relation =>
          (
            await this.options.catalog.getEntities(
              {
                filter: {
                  kind: 'DataProduct',
                  [`relations.${relation}`]: contractRef,
                },
                fields,
              },
              { credentials },
            )
          ).items.filter(isDataProductEntity),
      ),
    );

    const consumers: ContractConsumer[] = [];
    for (const product of sortByRef(readers)) {
      const owner = productRelatedRefs(product).owner;
      const ports = (product.spec.inputPorts ?? []).filter(port =>
        portUses(port, product, contractRef, contractId),
      );
      // A product reading through an agreement (no input port) is listed with its agreement.
      for (const port of ports) {
        consumers.push({
          entityRef: entityRefKey(product),
          kind: 'input-port',
          port: port.name,
          owners: owner ? [owner] : [],
        });
      }
    }

    const portsByProduct = new Map<string, Set<string>>();
    for (const product of providers) {
      const ports = (
        (product as DataProductEntityV1alpha1).spec.outputPorts ?? []
      )
        .filter(port => portUses(port, product, contractRef, contractId))
        .map(port => port.name);
      if (ports.length)
        portsByProduct.set(entityRefKey(product), new Set(ports));
    }
    if (portsByProduct.size === 0) return consumers;
    const agreements = (
      await this.options.agreements.list({
        productRefs: [...portsByProduct.keys()],
        states: ['active'],
        limit: MAX_AGREEMENTS,
      })
    )
      .filter(a => portsByProduct.get(a.productRef)?.has(a.outputPort))
      .sort(
        (a, b) =>
          a.consumerRef.localeCompare(b.consumerRef) ||
          a.productRef.localeCompare(b.productRef) ||
          a.outputPort.localeCompare(b.outputPort),
      );
    const owners = await this.ownersOf(
      agreements.map(a => a.consumerRef),
      credentials,
    );
    for (const agreement of agreements) {
      consumers.push({
        entityRef: agreement.consumerRef,
        kind: 'agreement',
        port: agreement.outputPort,
        productRef: agreement.productRef,
        agreementId: agreement.id,
        ...(agreement.contractVersion
          ? { contractVersion: agreement.contractVersion }
          : {}),
        owners: owners.get(agreement.consumerRef) ?? [],
      });
    }
    return consumers;
  }

  /**
   * The owners of agreement consumers: a Group is its own owner; a Component or System is
   * owned by its `spec.owner`, when the caller may read it.
   */
  private async ownersOf(
    consumerRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, string[]>> {
    const owners = new Map<string, string[]>();
    const toRead: string[] = [];
    for (const ref of new Set(consumerRefs)) {
      if (parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group') {
        owners.set(ref, [ref]);
      } else {
        toRead.push(ref);
      }
    }
    if (toRead.length) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: toRead, fields: ['kind', 'metadata', 'spec.owner'] },
        { credentials },
      );
      items.forEach((entity, i) => {
        const owner = entity ? productRelatedRefs(entity).owner : undefined;
        owners.set(toRead[i], owner ? [owner] : []);
      });
    }
    return owners;
  }
}

const validators = makeValidator();

/** A contract's entity ref (the kind defaults to API); an InputError naming `field`. */
export function parseContractRef(
  value: unknown,
  field: string,
): CompoundEntityRef {
  try {
    if (typeof value !== 'string' || !value.trim()) throw new Error();
    const ref = parseEntityRef(value.trim(), {
      defaultKind: 'API',
      defaultNamespace: 'default',
    });
    if (
      !validators.isValidKind(ref.kind) ||
      !validators.isValidNamespace(ref.namespace) ||
      !validators.isValidEntityName(ref.name)
    ) {
      throw new Error();
    }
    return ref;
  } catch {
    throw new InputError(
      `${field}: ${JSON.stringify(
        value,
      )} is not an entity ref such as api:default/orders-contract`,
    );
  }
}

/** The ODCS id of a definition, read leniently (the catalog validated it). */
function idOf(definition: unknown): string | undefined {
  if (typeof definition !== 'string') return undefined;
  try {
    const { id } = readOdcsContract(definition);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function sortByRef<T extends Entity>(entities: T[]): T[] {
  return entities
    .map(entity => ({ entity, ref: entityRefKey(entity) }))
    .sort((a, b) => a.ref.localeCompare(b.ref))
    .map(({ entity }) => entity);
}
