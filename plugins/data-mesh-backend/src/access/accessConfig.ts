import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';

/** The PostgreSQL user that creates agreement roles and grants on one server. */
export interface ProvisioningCredentials {
  user: string;
  password?: string;
  /** Connections its pool opens at most. */
  maxConnections: number;
}

/** A consumer's database role set by config; it wins over the entity's annotation. */
export interface ConsumerRoleSetting {
  /** The consumer entity's ref, lowercase (`entityRefKey`). */
  entityRef: string;
  role: string;
  /** The server it applies to; every server when absent. */
  server?: string;
}

/** `dataMesh.access`, checked. */
export interface AccessConfig {
  /** By server id: only servers listed here can have access granted on them. */
  provisioning: Map<string, ProvisioningCredentials>;
  consumerRoles: ConsumerRoleSetting[];
}

/**
 * Why `name` cannot be a PostgreSQL identifier (a schema, table or role name) as its catalog
 * stores it, or undefined when it can: 1 to 63 bytes, no control characters. Longer names
 * would be cut short by the server, so they are refused rather than matched by their start.
 */
export function describeInvalidIdentifier(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return 'must be a non-empty string';
  }
  if (Buffer.byteLength(name, 'utf8') > 63) {
    return 'is longer than 63 bytes, the most PostgreSQL keeps of a name';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return 'contains a control character';
  }
  return undefined;
}

function readRole(value: string, key: string): string {
  const problem = describeInvalidIdentifier(value);
  if (problem) throw new InputError(`${key}: ${problem}`);
  return value;
}

function readProvisioning(
  root: Config,
  servers: Map<string, ServerConfig>,
): Map<string, ProvisioningCredentials> {
  const provisioning = new Map<string, ProvisioningCredentials>();
  const block = root.getOptionalConfig('dataMesh.access.servers');
  for (const id of block?.keys() ?? []) {
    const at = `dataMesh.access.servers.${id}`;
    const server = servers.get(id);
    if (!server) {
      throw new InputError(
        `${at}: there is no server ${id} in dataMesh.servers`,
      );
    }
    if (server.type !== 'postgres') {
      throw new InputError(
        `${at}: server ${id} is a ${server.type} server; access is granted on postgres servers only`,
      );
    }
    const settings = block!.getConfig(id);
    const maxConnections = settings.getOptionalNumber('maxConnections') ?? 2;
    if (
      !Number.isInteger(maxConnections) ||
      maxConnections < 1 ||
      maxConnections > 20
    ) {
      throw new InputError(
        `${at}.maxConnections: must be a whole number from 1 to 20`,
      );
    }
    provisioning.set(id, {
      user: readRole(settings.getString('user'), `${at}.user`),
      password: settings.getOptionalString('password'),
      maxConnections,
    });
  }
  return provisioning;
}

function readConsumerRoles(
  root: Config,
  servers: Map<string, ServerConfig>,
): ConsumerRoleSetting[] {
  const list = root.getOptionalConfigArray('dataMesh.access.consumerRoles');
  const seen = new Map<string, string>();
  return (list ?? []).map((item, i) => {
    const at = `dataMesh.access.consumerRoles[${i}]`;
    const raw = item.getString('entity');
    let entityRef: string;
    try {
      entityRef = entityRefKey(raw);
    } catch {
      throw new InputError(`${at}.entity: "${raw}" is not a valid entity ref`);
    }
    const server = item.getOptionalString('server');
    if (server !== undefined && !servers.has(server)) {
      throw new InputError(
        `${at}.server: there is no server ${server} in dataMesh.servers`,
      );
    }
    const key = `${entityRef} ${server ?? ''}`;
    if (seen.has(key)) {
      throw new InputError(
        `${at}: ${entityRef} already has a role${
          server ? ` on server ${server}` : ''
        } at ${seen.get(key)}`,
      );
    }
    seen.set(key, at);
    return {
      entityRef,
      role: readRole(item.getString('role'), `${at}.role`),
      server,
    };
  });
}

/**
 * Reads `dataMesh.access`: the provisioning user of each PostgreSQL server access is granted
 * on, and consumers' database roles. `servers` are `dataMesh.servers`, read already. Bad
 * settings stop the backend at startup, naming the key.
 */
export function readAccessConfig(
  root: Config,
  servers: Map<string, ServerConfig>,
): AccessConfig {
  return {
    provisioning: readProvisioning(root, servers),
    consumerRoles: readConsumerRoles(root, servers),
  };
}
