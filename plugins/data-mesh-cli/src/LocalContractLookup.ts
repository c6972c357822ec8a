import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import {
  ContractLookup,
  DataProductEntityV1alpha1,
  entityRefKey,
  ODCS_ID_ANNOTATION,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';

function same(a: unknown, b: string): boolean {
  // The catalog's filters compare values case-insensitively.
  return (
    typeof a === 'string' &&
    a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')
  );
}

/**
 * Finds entities by ODCS contract id among local entities, as `CatalogContractLookup` does in
 * the catalog: the API whose `datamesh-portal.io/odcs-id` annotation holds the id (set when the
 * entities are read, from the contract's `id`), and the product serving the contract, by its
 * output port's `contractId`, else by an output port naming that API.
 * @public
 */
export class LocalContractLookup implements ContractLookup {
  constructor(private readonly entities: Entity[]) {}

  async findContract(
    contractId: string,
  ): Promise<CompoundEntityRef | undefined> {
    const api = this.findApi(contractId);
    return api ? getCompoundEntityRef(api) : undefined;
  }

  async findProvider(
    contractId: string,
  ): Promise<CompoundEntityRef | undefined> {
    const products = this.entities.filter(
      (e): e is DataProductEntityV1alpha1 => e.kind === 'DataProduct',
    );
    const byPort = products.find(p =>
      (p.spec?.outputPorts ?? []).some(port =>
        same(port.contractId, contractId),
      ),
    );
    if (byPort) return getCompoundEntityRef(byPort);
    const api = this.findApi(contractId);
    if (!api) return undefined;
    const apiKey = entityRefKey(api);
    const byApi = products.find(p =>
      (p.spec?.outputPorts ?? []).some(port => {
        if (!port.contract) return false;
        try {
          return (
            entityRefKey(parseDataMeshRef(port.contract, 'contract', p)) ===
            apiKey
          );
        } catch {
          return false;
        }
      }),
    );
    return byApi ? getCompoundEntityRef(byApi) : undefined;
  }

  private findApi(contractId: string): Entity | undefined {
    return this.entities.find(
      e =>
        e.kind.toLocaleLowerCase('en-US') === 'api' &&
        same(e.metadata.annotations?.[ODCS_ID_ANNOTATION], contractId),
    );
  }
}
