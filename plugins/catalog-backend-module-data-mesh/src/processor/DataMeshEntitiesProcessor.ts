import {
  ApiEntity,
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
  ContractLookup,
  dataProductLinks,
  DataProductEntityV1alpha1,
  isDataProductEntity,
  isValidDataMeshDomainEntity,
  isValidDataProductEntity,
  ODCS_API_TYPE,
  ODCS_ID_ANNOTATION,
  parseOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';

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
      contracts?: ContractLookup;
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
    for (const { type, reverse, target } of await dataProductLinks(
      product,
      this.options.contracts,
    )) {
      emit(processingResult.relation({ source: self, type, target }));
      emit(
        processingResult.relation({ source: target, type: reverse, target: self }),
      );
    }
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
