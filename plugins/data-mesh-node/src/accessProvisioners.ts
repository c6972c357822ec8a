import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * A data server of `dataMesh.servers`, by id. A provisioner reads the connection and the
 * credentials it grants with from config itself; requests only say which server.
 * @public
 */
export interface AccessServerRef {
  /** The server's id in `dataMesh.servers`. */
  id: string;
  /** The server's `type`, e.g. `postgres`. */
  type: string;
}

/** A table or view, by schema and name as the server spells them (not quoted). @public */
export interface AccessTable {
  /** The schema, e.g. `sales`. */
  schema: string;
  /** The table or view in it, e.g. `orders`. */
  table: string;
}

/**
 * Read access one agreement gives: the consumer's database role may read these tables.
 * Granting makes the server match the request exactly, so a port whose tables changed, or a
 * consumer whose role changed, is granted again with the new request.
 * @public
 */
export interface AccessGrantRequest {
  /** The agreement's id; the provisioner derives the names of what it creates from it. */
  agreementId: string;
  /** The server the port's tables are on. */
  server: AccessServerRef;
  /** The tables of the output port, at least one. */
  tables: AccessTable[];
  /** The consumer's role on the server (see the data mesh backend's README). */
  consumerRole: string;
}

/** Takes away all that an agreement was granted on a server. @public */
export interface AccessRevokeRequest {
  /** The agreement whose access goes. */
  agreementId: string;
  /** The server it was granted on. */
  server: AccessServerRef;
}

/** What a grant or a revoke did. @public */
export interface AccessChangeResult {
  /** The role, group or principal the provisioner keeps for the agreement. */
  role: string;
  /** What was changed, in words, for logs and the audit trail; empty when nothing was needed. */
  changes: string[];
}

/** Whether a grant is in place. @public */
export interface AccessInspection {
  /** The role, group or principal the provisioner keeps for the agreement. */
  role: string;
  /** True when the server already matches the request, so granting would change nothing. */
  granted: boolean;
  /** What granting would change, in words; empty when `granted`. */
  missing: string[];
}

/**
 * Gives and takes away read access to the tables of output ports on one kind of data server,
 * for data contract agreements. Implementations must be idempotent (granting what is granted,
 * or revoking what is revoked, changes nothing), all-or-nothing (a failed grant or revoke
 * leaves the server as it was) and touch only what they created themselves. They throw
 * `@backstage/errors` errors that name what is wrong: `InputError` for a bad request,
 * `NotFoundError` for a role or table that is not there, `NotAllowedError` for what they refuse.
 * @public
 */
export interface AccessProvisioner {
  /** Whether this provisioner handles servers of the given `type`. */
  supports(serverType: string): boolean;
  /** Gives the consumer read access to the tables, and nothing more, in one transaction. */
  grant(request: AccessGrantRequest): Promise<AccessChangeResult>;
  /** Takes away all the agreement was given; nothing to take away is no error. */
  revoke(request: AccessRevokeRequest): Promise<AccessChangeResult>;
  /** Compares the server with the request without changing anything. */
  inspect(request: AccessGrantRequest): Promise<AccessInspection>;
}

/** What backend modules may do through {@link dataMeshAccessProvisionersExtensionPoint}. @public */
export interface DataMeshAccessProvisionersExtensionPoint {
  /**
   * Adds provisioners. For a server type, the first added that supports it is used, ahead
   * of the backend's built-in PostgreSQL provisioner.
   */
  addProvisioner(...provisioners: AccessProvisioner[]): void;
}

/**
 * Extension point through which backend modules add access provisioners to the data mesh
 * backend, for server types it has none for or to replace its built-in PostgreSQL one.
 * @public
 */
export const dataMeshAccessProvisionersExtensionPoint =
  createExtensionPoint<DataMeshAccessProvisionersExtensionPoint>({
    id: 'data-mesh.access-provisioners',
  });

/**
 * Checks a provisioner before it is added, so that a bad module fails the backend's start
 * instead of the first agreement.
 * @public
 */
export function assertValidAccessProvisioner(
  provisioner: AccessProvisioner,
): void {
  if (!provisioner || typeof provisioner !== 'object') {
    throw new InputError('Access provisioner must be an object');
  }
  for (const method of ['supports', 'grant', 'revoke', 'inspect'] as const) {
    if (typeof provisioner[method] !== 'function') {
      throw new InputError(`Access provisioner: ${method} must be a function`);
    }
  }
}
