import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  dataMeshAccessDecidePermission,
  DataProductEntityV1alpha1,
  entityRefKey,
  isDataProductEntity,
  parseDataMeshRef,
  productRelatedRefs,
} from '@datamesh-portal/plugin-data-mesh-common';
import { CatalogContractLookup } from '@datamesh-portal/plugin-data-mesh-node';
import { AccessConfig } from '../access/accessConfig';
import { consumerDatabaseRole } from '../access/consumerDatabaseRole';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { DataPreviewService, PreviewReader } from './DataPreviewService';
import { AnyRequest } from './requestParams';

/** An active usage agreement, as the preview needs it. */
export interface ActiveAgreement {
  id: string;
  consumerRef: string;
}

/** Where the preview learns of active agreements (the agreements store). */
export interface ActiveAgreements {
  /** The active agreements on one output port of a product (lowercase product ref). */
  activeOnPort(
    productRef: string,
    outputPort: string,
  ): Promise<ActiveAgreement[]>;
}

/** What the preview route needs. */
export interface PreviewRoutesOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  previews: DataPreviewService;
  agreements: ActiveAgreements;
  /** Consumers' database roles, for previews on PostgreSQL; none when unset. */
  access?: AccessConfig;
  /** The entity as the caller may see it; a NotFoundError when it may not. */
  readEntity: (req: AnyRequest, ref: CompoundEntityRef) => Promise<Entity>;
  /** Whether the caller has the permission on the entity. */
  isAllowed: (
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
  ) => Promise<boolean>;
}

/**
 * The agreement among `agreements` whose consumer the caller belongs to, with the consumer: a
 * Group among the caller's ownership refs (their teams), or a Component or System owned by one.
 * Consumers are read as the plugin: the caller's team owns them whether or not they may read them.
 */
async function agreementOfCaller(
  agreements: ActiveAgreement[],
  ownershipRefs: string[],
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<{ agreement: ActiveAgreement; consumer?: Entity } | undefined> {
  if (agreements.length === 0) return undefined;
  const mine = new Set(ownershipRefs.map(ref => ref.toLowerCase()));
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: agreements.map(a => a.consumerRef) },
    { credentials },
  );
  const found = agreements
    .map((agreement, i) => ({ agreement, consumer: items[i] }))
    .find(
      ({ agreement, consumer }) =>
        mine.has(agreement.consumerRef) ||
        (consumer !== undefined &&
          ['component', 'system'].includes(
            parseEntityRef(agreement.consumerRef).kind,
          ) &&
          mine.has(productRelatedRefs(consumer).owner ?? '')),
    );
  return found && { agreement: found.agreement, consumer: found.consumer };
}

/**
 * Adds the read-only data preview, `GET /data/:kind/:namespace/:name/ports/:port/preview`: the
 * first rows of each table of an output port, for the product's owners (those with
 * `data-mesh.access.decide` on it, as the permission policy grants owners) and members of a
 * consumer with an active agreement on the port, who never see restricted values. Anyone else
 * who may read the product gets a 403 that says what would let them in; others a 404.
 */
export function addPreviewRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: PreviewRoutesOptions,
) {
  const { httpAuth, auth, catalog, previews, agreements } = options;

  router.get(
    '/data/:kind/:namespace/:name/ports/:port/preview',
    async (req, res) => {
      const { port } = req.params;
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const product = await options.readEntity(req, req.params);
      if (!isDataProductEntity(product)) {
        throw new InputError(`${entityRefKey(product)} is not a DataProduct`);
      }
      const productRef = entityRefKey(product);
      const outputPort = (product.spec.outputPorts ?? []).find(
        p => p.name === port,
      );
      if (!outputPort) {
        throw new NotFoundError(
          `${productRef} has no output port ${JSON.stringify(port)}`,
        );
      }

      let reader: PreviewReader = { as: 'owner' };
      let agreementId: string | undefined;
      if (
        !(await options.isAllowed(
          credentials,
          dataMeshAccessDecidePermission,
          productRef,
        ))
      ) {
        const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
          credentials,
        );
        const found = await agreementOfCaller(
          await agreements.activeOnPort(productRef, port),
          ownershipEntityRefs,
          catalog,
          await auth.getOwnServiceCredentials(),
        );
        if (!found) {
          throw new NotAllowedError(
            `Only the owners of ${productRef} and members of a consumer with an active agreement on its port ${port} may preview its data: request access to the port first`,
          );
        }
        agreementId = found.agreement.id;
        const { consumer } = found;
        const access = options.access;
        reader = {
          as: 'agreement',
          ...(consumer && access
            ? {
                databaseRole: (serverId: string) =>
                  databaseRoleOf(consumer, access, serverId),
              }
            : {}),
        };
      }

      // The caller's own credentials: a contract they may not read is no contract for them.
      const contractRef = await portContractRef(
        product,
        outputPort,
        new CatalogContractLookup(catalog, auth, { credentials }),
      );
      if (!contractRef) {
        throw new NotFoundError(
          `Port ${port} of ${productRef} names no data contract, so it has no data to preview`,
        );
      }
      const api = await catalog.getEntityByRef(contractRef, { credentials });
      const contract = previews.contractOf(
        api,
        port,
        entityRefKey(contractRef),
      );
      const preview = await previews.preview({
        product,
        port,
        contractRef: entityRefKey(contractRef),
        contract,
        limit: req.query.limit ?? 20,
        reader,
      });
      res.json({ ...preview, ...(agreementId ? { agreementId } : {}) });
    },
  );
}

/** The contract API of an output port: its `contract` ref, else found by its `contractId`. */
async function portContractRef(
  product: DataProductEntityV1alpha1,
  port: NonNullable<DataProductEntityV1alpha1['spec']['outputPorts']>[number],
  lookup: CatalogContractLookup,
): Promise<CompoundEntityRef | undefined> {
  if (port.contract)
    return parseDataMeshRef(port.contract, 'contract', product);
  return port.contractId ? lookup.findContract(port.contractId) : undefined;
}

/** The consumer's database role on a server, when one is configured for it. */
function databaseRoleOf(
  consumer: Entity,
  access: AccessConfig,
  serverId: string,
): string | undefined {
  try {
    return consumerDatabaseRole(consumer, access, serverId);
  } catch {
    // None configured: the preview reads as the portal, restricted values masked.
    return undefined;
  }
}
