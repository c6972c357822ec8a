import { ActiveAgreementSource } from '../agreements/ActiveAgreements';
import {
  ApiEntity,
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  isApiEntity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogProcessorResult,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  compileGovernancePolicies,
  ContractLookup,
  DATA_MESH_RELATIONS,
  DEFAULT_MAX_POLICIES_PER_DOMAIN,
  DataMeshDomainEntityV1alpha1,
  dataProductLinks,
  DataProductLink,
  entityRefKey,
  RuleCompileError,
  DataProductEntityV1alpha1,
  isDataProductEntity,
  isValidDataMeshDomainEntity,
  formatProblems,
  inputErrorWithProblems,
  isValidDataProductEntity,
  ODCS_API_TYPE,
  ODCS_ID_ANNOTATION,
  parseDataMeshRef,
  Problem,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ContractVerdicts } from './ContractVerdicts';

/**
 * A processing error carrying its problems: the catalog shows the message (which lists them)
 * and keeps the list on the stored error.
 */
function problemsError(
  location: LocationSpec,
  message: string,
  problems: Problem[],
): CatalogProcessorResult {
  return {
    type: 'error',
    location,
    error: inputErrorWithProblems(message, problems),
  };
}

/**
 * Teaches the catalog the data mesh kinds: validates DataProduct and data mesh Domain entities,
 * emits a DataProduct's relations, and validates the ODCS contracts held by `odcs` APIs. A data
 * mesh Domain's owner and parent relations are left to the built-in processor, which emits them
 * for every Domain.
 *
 * @public
 */
export class DataMeshEntitiesProcessor implements CatalogProcessor {
  private readonly contracts = new ContractVerdicts();

  constructor(
    private readonly options: {
      /** Resolves ports that name their contract by ODCS id; without it they get no relation. */
      contracts?: ContractLookup;
      /** Ids of the global policies, which a domain's own policies may not reuse. */
      globalPolicyIds?: string[];
      /**
       * The most policies a domain may have (`dataMesh.governance.maxPoliciesPerDomain`);
       * default `DEFAULT_MAX_POLICIES_PER_DOMAIN`.
       */
      maxPoliciesPerDomain?: number;
      /**
       * Active usage agreements: each becomes relations of its consumer to the port's contract
       * (consumesApi) and to the product (dependsOn), as an input port's do.
       */
      agreements?: ActiveAgreementSource;
    } = {},
  ) {}

  getProcessorName(): string {
    return 'DataMeshEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    return (
      isValidDataProductEntity(entity) || isValidDataMeshDomainEntity(entity)
    );
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (isDataProductEntity(entity)) {
      await this.emitDataProductRelations(entity, emit);
    } else if (isApiEntity(entity) && entity.spec.type === ODCS_API_TYPE) {
      return checkContract(entity, location, emit, this.contracts);
    } else if (isValidDataMeshDomainEntity(entity)) {
      checkDomainPolicies(
        entity as DataMeshDomainEntityV1alpha1,
        location,
        emit,
        {
          globalPolicyIds: this.options.globalPolicyIds ?? [],
          maxPolicies:
            this.options.maxPoliciesPerDomain ??
            DEFAULT_MAX_POLICIES_PER_DOMAIN,
        },
      );
    }
    return entity;
  }

  private async emitDataProductRelations(
    product: DataProductEntityV1alpha1,
    emit: CatalogProcessorEmit,
  ) {
    const self = getCompoundEntityRef(product);
    const emitBoth = (
      source: CompoundEntityRef,
      { type, reverse, target }: DataProductLink,
    ) => {
      emit(processingResult.relation({ source, type, target }));
      emit(
        processingResult.relation({
          source: target,
          type: reverse,
          target: source,
        }),
      );
    };
    for (const link of await dataProductLinks(
      product,
      this.options.contracts,
    )) {
      emitBoth(self, link);
    }
    if (this.options.agreements) {
      for (const { source, ...link } of await this.consumerLinks(
        product,
        this.options.agreements,
      )) {
        emitBoth(source, link);
      }
    }
  }

  /** The relations of the consumers of the product's active agreements. */
  private async consumerLinks(
    product: DataProductEntityV1alpha1,
    agreementSource: ActiveAgreementSource,
  ) {
    const self = getCompoundEntityRef(product);
    const agreements = await agreementSource.activeOf(entityRefKey(product));
    const links = [];
    for (const { consumerRef, outputPort } of agreements) {
      const source = parseEntityRef(consumerRef);
      links.push({
        source,
        type: DATA_MESH_RELATIONS.dependsOn,
        reverse: DATA_MESH_RELATIONS.dependencyOf,
        target: self,
      });
      const port = product.spec.outputPorts?.find(p => p.name === outputPort);
      const contract = port?.contract
        ? parseDataMeshRef(port.contract, 'contract', product)
        : port?.contractId &&
          (await this.options.contracts?.findContract(port.contractId));
      if (contract) {
        links.push({
          source,
          type: DATA_MESH_RELATIONS.consumesApi,
          reverse: DATA_MESH_RELATIONS.apiConsumedBy,
          target: contract,
        });
      }
    }
    return links;
  }
}

/**
 * Compiles a domain's own policies, so a malformed rule is refused with the catalog's other
 * processing errors (naming the policy, the field and the position) instead of surfacing at
 * evaluation time; refuses a policy reusing a global policy's id, which would otherwise be
 * silently ignored (a domain cannot redefine a global policy); and refuses more policies
 * than the limit, without compiling them.
 */
function checkDomainPolicies(
  domain: DataMeshDomainEntityV1alpha1,
  location: LocationSpec,
  emit: CatalogProcessorEmit,
  limits: { globalPolicyIds: string[]; maxPolicies: number },
) {
  const { globalPolicyIds, maxPolicies } = limits;
  const policies = domain.spec.policies ?? [];
  const refuse = (problems: Problem[]) =>
    emit(
      problemsError(
        location,
        `Domain ${stringifyEntityRef(
          domain,
        )} has invalid policies: ${formatProblems(problems)}`,
        problems,
      ),
    );
  if (policies.length > maxPolicies) {
    refuse([
      {
        field: 'spec.policies',
        message: `has ${policies.length} policies, more than the limit of ${maxPolicies} (dataMesh.governance.maxPoliciesPerDomain)`,
      },
    ]);
    return;
  }
  const indexOf = (id: string) => policies.findIndex(p => p.id === id);
  const problems: Problem[] = [];
  for (const [index, policy] of policies.entries()) {
    if (globalPolicyIds.includes(policy.id)) {
      problems.push({
        field: `spec.policies[${index}].id`,
        message: `"${policy.id}" is a global policy; a domain adds policies of its own and cannot redefine a global one`,
      });
    }
  }
  try {
    compileGovernancePolicies(policies, {
      origin: 'domain',
      domainRef: entityRefKey(domain),
    });
  } catch (error) {
    if (!(error instanceof RuleCompileError)) throw error;
    for (const p of error.problems) {
      const where =
        p.line !== undefined ? ` (line ${p.line}, column ${p.column})` : '';
      problems.push({
        field: `spec.policies[${indexOf(p.ruleId)}].${p.field}`,
        message: `policy "${p.ruleId}": ${p.message}${where}`,
      });
    }
  }
  if (problems.length) {
    refuse(problems);
  }
}

/**
 * Validates the ODCS document of an `odcs` API and records its contract id on the entity; an
 * invalid contract is a processing error naming the field, like an invalid entity.
 */
function checkContract(
  api: ApiEntity,
  location: LocationSpec,
  emit: CatalogProcessorEmit,
  contracts: ContractVerdicts,
): Entity {
  const verdict = contracts.of(api.spec.definition);
  if ('problem' in verdict) {
    // The problems name fields of the contract document, as its message does.
    emit(
      problemsError(
        location,
        `API ${api.metadata.name}: spec.definition is not a valid ODCS contract: ${verdict.problem}`,
        verdict.problems,
      ),
    );
    return api;
  }
  return {
    ...api,
    metadata: {
      ...api.metadata,
      annotations: {
        ...api.metadata.annotations,
        [ODCS_ID_ANNOTATION]: verdict.id,
      },
    },
  };
}
