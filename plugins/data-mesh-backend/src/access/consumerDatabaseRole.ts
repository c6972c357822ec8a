import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { AccessConfig, describeInvalidIdentifier } from './accessConfig';

/**
 * The annotation on a consumer's entity (a Group, a Component, …) naming its database role on
 * every server; `datamesh-portal.io/database-role.<server id>` names it on one server.
 */
export const DATABASE_ROLE_ANNOTATION = 'datamesh-portal.io/database-role';

/**
 * The database role of a consumer on a server, the role an agreement's read access is granted
 * to. The first that is set wins: `dataMesh.access.consumerRoles` for the entity and this
 * server, then for the entity on every server (config is the platform's, so it wins over the
 * entity), then the entity's annotation `datamesh-portal.io/database-role.<server id>`, then
 * `datamesh-portal.io/database-role`. Throws an `InputError` naming what to set when none is,
 * or the annotation when its value cannot be a role name.
 */
export function consumerDatabaseRole(
  entity: Entity,
  access: AccessConfig,
  serverId: string,
): string {
  const ref = entityRefKey(entity);
  const configured =
    access.consumerRoles.find(
      s => s.entityRef === ref && s.server === serverId,
    ) ??
    access.consumerRoles.find(
      s => s.entityRef === ref && s.server === undefined,
    );
  if (configured) return configured.role;

  const annotations = entity.metadata.annotations ?? {};
  for (const key of [
    `${DATABASE_ROLE_ANNOTATION}.${serverId}`,
    DATABASE_ROLE_ANNOTATION,
  ]) {
    const value = annotations[key];
    if (value === undefined) continue;
    const problem =
      describeInvalidIdentifier(value) ??
      (value.trim() !== value ? 'has spaces at its ends' : undefined);
    if (problem) {
      throw new InputError(
        `The annotation ${key} of ${ref} is not a database role name: it ${problem}`,
      );
    }
    return value;
  }
  throw new InputError(
    `${ref} has no database role on server ${serverId}: set one in dataMesh.access.consumerRoles, or annotate the entity with ${DATABASE_ROLE_ANNOTATION}`,
  );
}
