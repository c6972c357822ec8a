import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import {
  AccessGrantRequest,
  AccessProvisioner,
  AccessRevokeRequest,
} from '@datamesh-portal/plugin-data-mesh-node';

/** One agreement on one server that a reconciliation changed or could not. */
export interface AccessReconciliationEntry {
  agreementId: string;
  serverId: string;
  /** What was changed, in words. */
  changes: string[];
}

/** What a reconciliation did. */
export interface AccessReconciliation {
  /** Active agreements whose grant was not (or no longer) in place, granted again. */
  restored: AccessReconciliationEntry[];
  /** Agreements no longer active that still had something granted, revoked. */
  revoked: AccessReconciliationEntry[];
  /** Agreements the provisioner failed on; the others were reconciled. */
  failed: Array<{ agreementId: string; serverId: string; error: Error }>;
}

const key = (r: { agreementId: string; server: { id: string } }) =>
  JSON.stringify([r.agreementId, r.server.id]);

/**
 * Makes the data servers match the agreements: each active one's grant is inspected and
 * granted again when something is missing (a grant removed by hand comes back), and each
 * inactive one (expired, revoked, rejected) is revoked, which changes nothing once it is. One
 * agreement's failure is logged and the others go on. The agreement service calls it from a
 * scheduled task; the provisioners' transactions and locks make two runs at once safe.
 */
export async function reconcileAccess(options: {
  provisioner: AccessProvisioner;
  active: AccessGrantRequest[];
  inactive: AccessRevokeRequest[];
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<AccessReconciliation> {
  const { provisioner, logger, signal } = options;
  const activeKeys = new Set(options.active.map(key));
  const both = options.inactive.find(r => activeKeys.has(key(r)));
  if (both) {
    throw new InputError(
      `Agreement ${both.agreementId} on server ${both.server.id} is listed as both active and inactive`,
    );
  }
  const result: AccessReconciliation = {
    restored: [],
    revoked: [],
    failed: [],
  };

  async function each<T extends AccessRevokeRequest>(
    requests: T[],
    reconcile: (request: T) => Promise<string[]>,
    done: AccessReconciliationEntry[],
    verb: string,
  ) {
    for (const request of requests) {
      signal?.throwIfAborted();
      const entry = {
        agreementId: request.agreementId,
        serverId: request.server.id,
      };
      try {
        const changes = await reconcile(request);
        if (changes.length === 0) continue;
        done.push({ ...entry, changes });
        logger.info(
          `Access of agreement ${entry.agreementId} on server ${
            entry.serverId
          } ${verb}: ${changes.join('; ')}`,
        );
      } catch (error) {
        const failure = isError(error) ? error : new Error(String(error));
        result.failed.push({ ...entry, error: failure });
        logger.warn(
          `Could not reconcile the access of agreement ${entry.agreementId} on server ${entry.serverId}: ${failure.message}`,
        );
      }
    }
  }

  await each(
    options.active,
    async request => {
      const inspection = await provisioner.inspect(request);
      return inspection.granted
        ? []
        : (await provisioner.grant(request)).changes;
    },
    result.restored,
    'restored',
  );
  await each(
    options.inactive,
    async request => (await provisioner.revoke(request)).changes,
    result.revoked,
    'revoked',
  );
  return result;
}
