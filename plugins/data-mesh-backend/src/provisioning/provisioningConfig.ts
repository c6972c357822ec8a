import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { describeInvalidIdentifier } from '../access/accessConfig';

const DOMAIN = { defaultKind: 'Domain', defaultNamespace: 'default' };

/** A server output ports may be provisioned on. */
export interface ProvisioningServer {
  id: string;
  type: string;
  /** Domain refs (lowercase) that may use it; undefined: every domain. */
  domains?: string[];
  /** PostgreSQL: the user that creates schemas and tables (never the read-only one of tests). */
  user?: string;
  password?: string;
}

/** `dataMesh.provisioning`, checked. */
export interface ProvisioningConfig {
  /** By server id, in config order: only these servers are provisioned on. */
  servers: Map<string, ProvisioningServer>;
  /** What retirement does with a port's tables once the sunset has passed. */
  retiredObjects: 'keep' | 'drop';
}

/**
 * Reads `dataMesh.provisioning`; `servers` are `dataMesh.servers`, read already. Bad settings
 * stop the backend at startup, naming the key.
 */
export function readProvisioningConfig(
  root: Config,
  servers: Map<string, ServerConfig>,
): ProvisioningConfig {
  const at = 'dataMesh.provisioning';
  const retiredObjects =
    root.getOptionalString(`${at}.retiredObjects`) ?? 'keep';
  if (retiredObjects !== 'keep' && retiredObjects !== 'drop') {
    throw new InputError(
      `${at}.retiredObjects: must be keep or drop, got ${JSON.stringify(
        retiredObjects,
      )}`,
    );
  }
  const result = new Map<string, ProvisioningServer>();
  const block = root.getOptionalConfig(`${at}.servers`);
  for (const id of block?.keys() ?? []) {
    const key = `${at}.servers.${id}`;
    const server = servers.get(id);
    if (!server) {
      throw new InputError(
        `${key}: there is no server ${id} in dataMesh.servers`,
      );
    }
    const settings = block!.getConfig(id);
    const domains = settings
      .getOptionalStringArray('domains')
      ?.map((domain, i) => {
        try {
          return entityRefKey(domain, DOMAIN);
        } catch {
          throw new InputError(
            `${key}.domains[${i}]: "${domain}" is not a domain ref`,
          );
        }
      });
    if (server.type === 'duckdb' && !server.path) {
      throw new InputError(
        `${key}: server ${id} has no database file (path); tables are created in a DuckDB file`,
      );
    }
    const user = settings.getOptionalString('user');
    if (server.type === 'postgres') {
      const problem = describeInvalidIdentifier(user);
      if (problem) throw new InputError(`${key}.user: ${problem}`);
    }
    result.set(id, {
      id,
      type: server.type,
      domains,
      user,
      password: settings.getOptionalString('password'),
    });
  }
  return { servers: result, retiredObjects };
}

/** The servers a domain may provision on, in config order. */
export function serversForDomain(
  config: ProvisioningConfig,
  domainRef: string,
): ProvisioningServer[] {
  const key = entityRefKey(domainRef, DOMAIN);
  return [...config.servers.values()].filter(
    s => !s.domains || s.domains.includes(key),
  );
}

/**
 * The schema of a domain's tables: its name, lower case, with anything but letters, digits
 * and `_` as `_` (`clinical-research` → `clinical_research`), so it needs no quoting to read.
 */
export function domainSchema(domainRef: string): string {
  const name = entityRefKey(domainRef, DOMAIN).split('/').pop()!;
  const schema = name.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
  return /^[a-z_]/.test(schema) ? schema : `d_${schema}`.slice(0, 63);
}
