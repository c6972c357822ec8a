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
import {
  dataMeshAccessDecidePermission,
  DataMeshApiComponents,
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
import { CallerChecks } from './callerChecks';
import {
  DataPreviewService,
  DEFAULT_PREVIEW_ROWS,
  PreviewReader,
} from './DataPreviewService';

/** A port's preview as the API answers it. */
export type PortPreviewResponse =
  DataMeshApiComponents['schemas']['PortPreviewResponse'];

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

/** What a port's preview needs: the route's and the `preview-data` action's. */
export interface PortPreviewOptions {
  auth: AuthService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  previews: DataPreviewService;
  agreements: ActiveAgreements;
  /** Consumers' database roles, for previews on PostgreSQL; none when unset. */
  access?: AccessConfig;
  /** What the caller may read and do. */
  checks: CallerChecks;
}

/** What the preview route needs. */
export interface PreviewRoutesOptions extends PortPreviewOptions {
  httpAuth: HttpAuthService;
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
 * The read-only data preview of an output port: the first rows of each table of its contract,
 * for the product's owners (those with `data-mesh.access.decide` on it, as the permission
 * policy grants owners) and members of a consumer with an active agreement on the port, who
 * never see restricted values. Anyone else who may read the product gets a NotAllowedError
 * that says what would let them in; others a NotFoundError. The caller is a user.
 */
export async function previewPort(
  options: PortPreviewOptions,
  credentials: BackstageCredentials,
  request: { ref: CompoundEntityRef; port: string; limit: number },
): Promise<PortPreviewResponse> {
  const { auth, catalog, previews, agreements, checks } = options;
  const { port } = request;
  const product = await checks.readEntity(credentials, request.ref);
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
    !(await checks.isAllowed(
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
  const contract = previews.contractOf(api, port, entityRefKey(contractRef));
  const preview = await previews.preview({
    product,
    port,
    contractRef: entityRefKey(contractRef),
    contract,
    limit: request.limit,
    reader,
  });
  return { ...preview, ...(agreementId ? { agreementId } : {}) };
}

/** Adds `GET /data/:kind/:namespace/:name/ports/:port/preview`, see {@link previewPort}. */
export function addPreviewRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: PreviewRoutesOptions,
) {
  router.get(
    '/data/:kind/:namespace/:name/ports/:port/preview',
    async (req, res) => {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['user'],
      });
      res.json(
        await previewPort(options, credentials, {
          ref: req.params,
          port: req.params.port,
          limit: req.query.limit ?? DEFAULT_PREVIEW_ROWS,
        }),
      );
    },
  );
}

/** The contract API of an output port: its `contract` ref, else found by its `contractId`. */
export async function portContractRef(
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
