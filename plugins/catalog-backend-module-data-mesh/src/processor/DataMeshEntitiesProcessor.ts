import {
  ApiEntity,
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  isApiEntity,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  DATA_MESH_RELATIONS as R,
  DATA_PRODUCT_REF_DEFAULT_KINDS,
  DataProductEntityV1alpha1,
  isDataProductEntity,
  isValidDataMeshDomainEntity,
  isValidDataProductEntity,
  ODCS_API_TYPE,
  ODCS_ID_ANNOTATION,
  parseDataMeshRef,
  parseOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ContractResolver } from './ContractResolver';

/**
 * Teaches the catalog the data mesh kinds: validates DataProduct and data mesh Domain entities,
 * emits a DataProduct's relations, and validates the ODCS contracts held by `odcs` APIs. A data
 * mesh Domain's owner and parent relations are left to the built-in processor, which emits them
 * for every Domain.
 *
 * @public
 */
export class DataMeshEntitiesProcessor implements CatalogProcessor {
  constructor(
    private readonly options: {
      /** Resolves ports that name their contract by ODCS id; without it they get no relation. */
      contracts?: ContractResolver;
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
      return checkContract(entity, location, emit);
    }
    return entity;
  }

  private async emitDataProductRelations(
    product: DataProductEntityV1alpha1,
    emit: CatalogProcessorEmit,
  ) {
    const self = getCompoundEntityRef(product);
    const link = (
      target: CompoundEntityRef | undefined,
      forward: string,
      reverse: string,
    ) => {
      if (!target) return;
      emit(processingResult.relation({ source: self, type: forward, target }));
      emit(
        processingResult.relation({
          source: target,
          type: reverse,
          target: self,
        }),
      );
    };
    const ref = (
      value: string | undefined,
      field: keyof typeof DATA_PRODUCT_REF_DEFAULT_KINDS,
    ) => (value ? parseDataMeshRef(value, field, product) : undefined);

    const { spec } = product;
    link(ref(spec.owner, 'owner'), R.ownedBy, R.ownerOf);
    link(ref(spec.domain, 'domain'), R.partOf, R.hasPart);
    link(ref(spec.system, 'system'), R.partOf, R.hasPart);
    for (const port of spec.inputPorts ?? []) {
      link(
        ref(port.dataProduct, 'dataProduct') ??
          (await this.resolve(port.contractId, 'provider')),
        R.dependsOn,
        R.dependencyOf,
      );
      link(
        ref(port.contract, 'contract') ??
          (await this.resolve(port.contractId, 'contract')),
        R.consumesApi,
        R.apiConsumedBy,
      );
    }
    for (const port of spec.outputPorts ?? []) {
      link(
        ref(port.contract, 'contract') ??
          (await this.resolve(port.contractId, 'contract')),
        R.providesApi,
        R.apiProvidedBy,
      );
    }
  }

  /** The API holding, or the product serving, the contract a port names only by ODCS id. */
  private async resolve(
    contractId: string | undefined,
    what: 'contract' | 'provider',
  ): Promise<CompoundEntityRef | undefined> {
    const { contracts } = this.options;
    if (!contractId || !contracts) return undefined;
    return what === 'contract'
      ? contracts.findContract(contractId)
      : contracts.findProvider(contractId);
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
): Entity {
  let contractId: string;
  try {
    contractId = parseOdcsContract(api.spec.definition).id;
  } catch (error) {
    emit(
      processingResult.inputError(
        location,
        `API ${
          api.metadata.name
        }: spec.definition is not a valid ODCS contract: ${
          (error as Error).message
        }`,
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
        [ODCS_ID_ANNOTATION]: contractId,
      },
    },
  };
}
