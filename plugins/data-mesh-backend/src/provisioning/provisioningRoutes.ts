import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { ContractImpactService } from '../service/ContractImpactService';
import {
  ContractConsumersLookup,
  ProvisioningService,
} from './ProvisioningService';
import { RetirementService } from './RetirementService';
import { AnyRequest } from '../service/requestParams';

/** What the provisioning routes need of the router. */
export interface ProvisioningRoutesOptions {
  provisioning: ProvisioningService;
  httpAuth: HttpAuthService;
  /** Without it, no retirement route. */
  retirement?: RetirementService;
  /** The entity as the caller may see it; a NotFoundError when it may not. */
  readEntity: (req: AnyRequest, ref: CompoundEntityRef) => Promise<Entity>;
  /** Without it, a breaking change's refusal names no consumers. */
  contractImpact?: ContractImpactService;
}

/**
 * Adds the provisioning routes: the servers a domain may use (`GET /provisioning/servers`),
 * the DDL of a product's output ports (`POST /provisioning/plan`) and their creation
 * (`POST /provisioning/apply`), for the product's owners only (users, as themselves). A
 * breaking contract change is planned as what breaks and whom, and refused by apply.
 */
export function addProvisioningRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: ProvisioningRoutesOptions,
) {
  const { provisioning, httpAuth, contractImpact } = options;

  // The consumers a breaking change would break, read as the caller may read them.
  const consumersOf = (
    credentials: BackstageCredentials,
  ): ContractConsumersLookup | undefined =>
    contractImpact &&
    (async contractRef =>
      contractImpact.consumersOf(
        await contractImpact.readContract(
          parseEntityRef(contractRef),
          credentials,
          'contract',
        ),
        credentials,
      ));

  router.get('/provisioning/servers', async (req, res) => {
    await httpAuth.credentials(req);
    res.json({ items: provisioning.servers(req.query.domain) });
  });

  router.post('/provisioning/plan', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await provisioning.plan(req.body, credentials, consumersOf(credentials)),
    );
  });

  const { retirement, readEntity } = options;
  if (retirement) {
    router.get(
      '/provisioning/:kind/:namespace/:name/retirement',
      async (req, res) => {
        const entityRef = entityRefKey(await readEntity(req, req.params));
        const record = await retirement.recordOf(entityRef);
        res.json({ entityRef, ...(record ? { retirement: record } : {}) });
      },
    );
  }

  router.post('/provisioning/apply', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await provisioning.apply(req.body, credentials, consumersOf(credentials)),
    );
  });
}
