import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  dataMeshAccessDecidePermission,
  dataMeshAccessRequestPermission,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { AccessService, ACCESS_ACTIONS, isAccessAction } from './AccessService';
import { readableProductRefs } from './readableProducts';
import { AnyRequest, entityRefParam, page } from './requestParams';

/** What the access routes need of the router. */
export interface AccessRoutesOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  access: AccessService;
  /** The entity as the caller may see it; a NotFoundError when it may not. */
  readEntity: (req: AnyRequest, ref: CompoundEntityRef) => Promise<Entity>;
  /** A NotAllowedError unless the caller has the permission on the entity. */
  authorize: (
    req: AnyRequest,
    permission: ResourcePermission,
    entityRef: string,
  ) => Promise<void>;
}

/**
 * Adds the access request routes: list and read agreements of readable products, request
 * access (`data-mesh.access.request` on the product) and decide (`data-mesh.access.decide`).
 * An agreement of a product the caller may not read does not exist for them.
 */
export function addAccessRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: AccessRoutesOptions,
) {
  const { httpAuth, userInfo, catalog, access, readEntity, authorize } =
    options;

  /** The agreement, if the caller may read its product; 404 otherwise. */
  const readAgreement = async (req: AnyRequest, id: string) => {
    const agreement = await access.get(id);
    try {
      if (!agreement) throw new NotFoundError();
      await readEntity(req, parseEntityRef(agreement.productRef));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(`No access request ${id}`);
      }
      throw error;
    }
    return agreement;
  };

  router.get('/access-requests', async (req, res) => {
    const { productRef, consumerRef, state = [] } = req.query;
    const { limit, offset } = page(req.query);
    const consumer =
      consumerRef !== undefined
        ? entityRefKey(entityRefParam(consumerRef, 'consumerRef', 'Group'))
        : undefined;
    const productRefs =
      productRef !== undefined
        ? [
            entityRefKey(
              await readEntity(
                req,
                entityRefParam(productRef, 'productRef', 'DataProduct'),
              ),
            ),
          ]
        : await readableProductRefs(catalog, await httpAuth.credentials(req));
    const items = await access.list(
      productRefs,
      { consumerRef: consumer, states: state },
      { limit, offset },
    );
    res.json({ items, limit, offset });
  });

  router.get('/access-requests/:id', async (req, res) => {
    res.json(await readAgreement(req, req.params.id));
  });

  router.post('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const productRef = entityRefParam(
      req.body.productRef,
      'productRef',
      'DataProduct',
    );
    const product = await readEntity(req, productRef).catch(error => {
      throw error instanceof NotFoundError
        ? new NotFoundError(
            `productRef: there is no data product ${entityRefKey(productRef)}`,
          )
        : error;
    });
    await authorize(
      req,
      dataMeshAccessRequestPermission,
      entityRefKey(product),
    );
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const agreement = await access.request(
      {
        product,
        outputPort: req.body.outputPort,
        consumerRef: req.body.consumerRef,
        purpose: req.body.purpose,
        contractVersion: req.body.contractVersion,
        until: req.body.until,
      },
      {
        userEntityRef: credentials.principal.userEntityRef,
        ownershipEntityRefs,
        credentials,
      },
    );
    res.status(201).json(agreement);
  });

  router.post('/access-requests/:id/:action', async (req, res) => {
    const { id, action } = req.params;
    // Not an enum of the spec: an unknown action is no route (404), not a bad request.
    if (!isAccessAction(action)) {
      throw new NotFoundError(
        `No access request action ${JSON.stringify(
          action,
        )}; use ${ACCESS_ACTIONS.join(', ')}`,
      );
    }
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const agreement = await readAgreement(req, id);
    await authorize(req, dataMeshAccessDecidePermission, agreement.productRef);
    res.json(
      await access.decide(id, {
        action,
        actor: credentials.principal.userEntityRef,
        comment: req.body?.comment,
      }),
    );
  });
}
