import { CompoundEntityRef } from '@backstage/catalog-model';
import { entityRefKey } from '../util/entityRefKey';
import { DataProductEntityV1alpha1 } from './DataProductEntityV1alpha1';
import { DATA_PRODUCT_REF_DEFAULT_KINDS, parseDataMeshRef } from './refs';
import { DATA_MESH_RELATIONS as R } from './relations';

/**
 * Finds entities by ODCS contract id, for ports that name their contract the ODPS way
 * (`contractId`): the API holding the contract, and the product whose output port serves it.
 * The catalog module looks in the catalog; the command-line check in local files.
 * @public
 */
export interface ContractLookup {
  findContract(contractId: string): Promise<CompoundEntityRef | undefined>;
  findProvider(contractId: string): Promise<CompoundEntityRef | undefined>;
}

/** A relation from a DataProduct, with the type of its reverse. @public */
export interface DataProductLink {
  type: string;
  reverse: string;
  target: CompoundEntityRef;
}

/**
 * The relations a DataProduct has from its spec: owner, domain, system, upstream products,
 * the contracts it consumes and provides. Ports naming a contract only by ODCS id are resolved
 * through `contracts`; without it (or when nothing is found) they add no link.
 * @public
 */
export async function dataProductLinks(
  product: DataProductEntityV1alpha1,
  contracts?: ContractLookup,
): Promise<DataProductLink[]> {
  const links: DataProductLink[] = [];
  const link = (
    target: CompoundEntityRef | undefined,
    type: string,
    reverse: string,
  ) => {
    if (target) links.push({ type, reverse, target });
  };
  const ref = (
    value: string | undefined,
    field: keyof typeof DATA_PRODUCT_REF_DEFAULT_KINDS,
  ) => (value ? parseDataMeshRef(value, field, product) : undefined);
  const resolve = async (
    contractId: string | undefined,
    what: 'contract' | 'provider',
  ) => {
    if (!contractId || !contracts) return undefined;
    return what === 'contract'
      ? contracts.findContract(contractId)
      : contracts.findProvider(contractId);
  };

  const { spec } = product;
  link(ref(spec.owner, 'owner'), R.ownedBy, R.ownerOf);
  link(ref(spec.domain, 'domain'), R.partOf, R.hasPart);
  link(ref(spec.system, 'system'), R.partOf, R.hasPart);
  for (const port of spec.inputPorts ?? []) {
    link(
      ref(port.dataProduct, 'dataProduct') ??
        (await resolve(port.contractId, 'provider')),
      R.dependsOn,
      R.dependencyOf,
    );
    link(
      ref(port.contract, 'contract') ??
        (await resolve(port.contractId, 'contract')),
      R.consumesApi,
      R.apiConsumedBy,
    );
  }
  for (const port of spec.outputPorts ?? []) {
    link(
      ref(port.contract, 'contract') ??
        (await resolve(port.contractId, 'contract')),
      R.providesApi,
      R.apiProvidedBy,
    );
  }
  return links;
}

/**
 * A draft product (not yet processed by the catalog, so without relations) with the relations
 * the catalog would give it, so that rules see the same upstream and contracts in a dry run or
 * an offline check as in the continuous evaluation. A product that has relations is returned
 * as it is.
 * @public
 */
export async function withDraftRelations(
  product: DataProductEntityV1alpha1,
  contracts?: ContractLookup,
): Promise<DataProductEntityV1alpha1> {
  if (product.relations) return product;
  const links = await dataProductLinks(product, contracts);
  return {
    ...product,
    relations: links.map(({ type, target }) => ({
      type,
      targetRef: entityRefKey(target),
    })),
  };
}
