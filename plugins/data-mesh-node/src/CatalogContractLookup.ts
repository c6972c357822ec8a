import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ContractLookup,
  ODCS_ID_ANNOTATION,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * Finds catalog entities by ODCS contract id, for ports that name their contract the ODPS way
 * (`contractId`) instead of by entity ref: the API entity holding the contract, and the data
 * product whose output port serves it. Looks as the calling plugin (its own credentials), or
 * on behalf of `options.credentials` (a caller who must find only what they may read).
 * @public
 */
export class CatalogContractLookup implements ContractLookup {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly options: { credentials?: BackstageCredentials } = {},
  ) {}

  async findContract(
    contractId: string,
  ): Promise<CompoundEntityRef | undefined> {
    return this.findOne({
      kind: 'API',
      [`metadata.annotations.${ODCS_ID_ANNOTATION}`]: contractId,
    });
  }

  /** The product serving the contract: by its port's `contractId`, else by the contract API. */
  async findProvider(
    contractId: string,
  ): Promise<CompoundEntityRef | undefined> {
    const byPort = await this.findOne({
      kind: 'DataProduct',
      'spec.outputPorts.contractId': contractId,
    });
    if (byPort) return byPort;
    const api = await this.findContract(contractId);
    return api
      ? this.findOne({
          kind: 'DataProduct',
          'relations.providesApi': stringifyEntityRef(api),
        })
      : undefined;
  }

  private async findOne(
    filter: Record<string, string>,
  ): Promise<CompoundEntityRef | undefined> {
    const { items } = await this.catalog.getEntities(
      {
        filter,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
        limit: 1,
      },
      {
        credentials:
          this.options.credentials ??
          (await this.auth.getOwnServiceCredentials()),
      },
    );
    return items[0] ? getCompoundEntityRef(items[0]) : undefined;
  }
}
