import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  dataMeshAccessDecidePermission,
  dataMeshAccessRequestPermission,
  AccessRequest,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { AccessService, ACCESS_ACTIONS, isAccessAction } from './AccessService';
import { CallerChecks } from './callerChecks';
import { ReadableProducts } from './readableProducts';
import { AnyRequest, entityRefParam, page } from './requestParams';

/** What a request for access needs: the route's and the `request-data-access` action's. */
export interface AccessRequestOptions {
  userInfo: UserInfoService;
  access: AccessService;
  /** What the caller may read and do. */
  checks: CallerChecks;
}

/** What the access routes need of the router. */
export interface AccessRoutesOptions extends AccessRequestOptions {
  httpAuth: HttpAuthService;
  /** The products a caller may read, over the plugin's index. */
  readable: ReadableProducts;
}

/** A request for access to an output port, as the API's body gives it. */
export type AccessRequestBody = {
  productRef: string;
  outputPort: string;
  consumerRef: string;
  purpose: string;
  contractVersion?: string;
  until?: string;
};

/**
 * Requests access to an output port of a product the caller (a user) may read, with
 * `data-mesh.access.request` on it, for a consumer they belong to: a usage agreement, approved
 * at once when the port allows. A product the caller may not read does not exist for them.
 */
export async function requestAccess(
  options: AccessRequestOptions,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  body: AccessRequestBody,
): Promise<AccessRequest> {
  const { checks, userInfo, access } = options;
  const productRef = entityRefParam(
    body.productRef,
    'productRef',
    'DataProduct',
  );
  const product = await checks
    .readEntity(credentials, productRef)
    .catch(error => {
      throw error instanceof NotFoundError
        ? new NotFoundError(
            `productRef: there is no data product ${entityRefKey(productRef)}`,
          )
        : error;
    });
  await checks.authorize(
    credentials,
    dataMeshAccessRequestPermission,
    entityRefKey(product),
  );
  const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
  return access.request(
    {
      product,
      outputPort: body.outputPort,
      consumerRef: body.consumerRef,
      purpose: body.purpose,
      contractVersion: body.contractVersion,
      until: body.until,
    },
    {
      userEntityRef: credentials.principal.userEntityRef,
      ownershipEntityRefs,
      credentials,
    },
  );
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
  const { httpAuth, access, checks, readable } = options;
  const readEntity = async (req: AnyRequest, ref: CompoundEntityRef) =>
    checks.readEntity(await httpAuth.credentials(req), ref);

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
        : await readable.restriction(await httpAuth.credentials(req));
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
    res.status(201).json(await requestAccess(options, credentials, req.body));
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
    await checks.authorize(
      credentials,
      dataMeshAccessDecidePermission,
      agreement.productRef,
    );
    res.json(
      await access.decide(id, {
        action,
        actor: credentials.principal.userEntityRef,
        comment: req.body?.comment,
      }),
    );
  });
}
