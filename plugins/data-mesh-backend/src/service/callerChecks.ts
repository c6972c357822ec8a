import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * What every entry point (REST route, registry action) checks of its caller, with the caller's
 * own credentials: what the catalog lets them read, and the permissions they have.
 */
export interface CallerChecks {
  /** The entity as the caller may see it; a NotFoundError when it does not exist or is hidden. */
  readEntity(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
  ): Promise<Entity>;
  /** Whether the caller has the permission (on the resource, for a resource permission). */
  isAllowed(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ): Promise<boolean>;
  /** A NotAllowedError naming the permission unless the caller has it. */
  authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ): Promise<void>;
}

export function callerChecks(
  catalog: CatalogService,
  permissions: PermissionsService,
): CallerChecks {
  const isAllowed: CallerChecks['isAllowed'] = async (
    credentials,
    permission,
    resourceRef,
  ) => {
    const [decision] = await permissions.authorize(
      [
        permission.type === 'resource'
          ? { permission, resourceRef: resourceRef! }
          : { permission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };
  return {
    async readEntity(credentials, ref) {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
      }
      return entity;
    },
    isAllowed,
    async authorize(credentials, permission, resourceRef) {
      if (!(await isAllowed(credentials, permission, resourceRef))) {
        throw new NotAllowedError(
          `Not allowed to ${permission.name}${
            resourceRef ? ` on ${resourceRef}` : ''
          }`,
        );
      }
    },
  };
}
