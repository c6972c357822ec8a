import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
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
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * Teaches the catalog the data mesh kinds: validates DataProduct and data mesh Domain entities
 * and emits a DataProduct's relations. A data mesh Domain's owner and parent relations are left
 * to the built-in processor, which emits them for every Domain.
 *
 * @public
 */
export class DataMeshEntitiesProcessor implements CatalogProcessor {
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
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (isDataProductEntity(entity)) {
      emitDataProductRelations(entity, emit);
    }
    return entity;
  }
}

function emitDataProductRelations(
  product: DataProductEntityV1alpha1,
  emit: CatalogProcessorEmit,
) {
  const self = getCompoundEntityRef(product);
  const link = (
    ref: string | undefined,
    field: keyof typeof DATA_PRODUCT_REF_DEFAULT_KINDS,
    forward: string,
    reverse: string,
  ) => {
    if (!ref) return;
    const target: CompoundEntityRef = parseDataMeshRef(ref, field, product);
    emit(processingResult.relation({ source: self, type: forward, target }));
    emit(
      processingResult.relation({
        source: target,
        type: reverse,
        target: self,
      }),
    );
  };

  const { spec } = product;
  link(spec.owner, 'owner', R.ownedBy, R.ownerOf);
  link(spec.domain, 'domain', R.partOf, R.hasPart);
  link(spec.system, 'system', R.partOf, R.hasPart);
  for (const port of spec.inputPorts ?? []) {
    link(port.dataProduct, 'dataProduct', R.dependsOn, R.dependencyOf);
    link(port.contract, 'contract', R.consumesApi, R.apiConsumedBy);
  }
  for (const port of spec.outputPorts ?? []) {
    link(port.contract, 'contract', R.providesApi, R.apiProvidedBy);
  }
}
