import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityRefKey,
  listOf,
  OdcsSchemaObject,
  OdcsServer,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { OutputPortProvisioner } from '@datamesh-portal/plugin-data-mesh-node';
import { FactStore } from '../database/FactStore';
import { ProvisioningConfig } from './provisioningConfig';

/** The fact source a retirement is recorded under (`facts.retirement`). */
export const RETIREMENT_FACT_SOURCE = 'retirement';

/** What retirement did to one product, as recorded in its facts. */
export interface RetirementRecord {
  sunset: string;
  /** `dataMesh.provisioning.retiredObjects` when it ran. */
  objects: 'kept' | 'dropped';
  /** Tables dropped (`drop`), or left in place (`keep`), `server:schema.table`. */
  tables: string[];
  /** Agreements revoked and requests rejected. */
  agreementsRevoked: number;
  /** What could not be done, in words; retried at the next run. */
  problems: string[];
}

/** What retirement needs of the agreements. */
export interface RetirementAgreements {
  list(
    productRefs: string[],
    filter: { states: Array<'requested' | 'approved' | 'active' | 'failed'> },
    page: { limit: number; offset: number },
  ): Promise<Array<{ id: string; state: string }>>;
  decide(
    id: string,
    decision: { action: 'revoke' | 'reject'; actor: string; comment?: unknown },
  ): Promise<unknown>;
}

/**
 * Takes retired products down once their sunset has passed: a product whose status is
 * `deprecated` or `retired` and whose `spec.deprecation.sunset` is before today has its usage
 * agreements revoked (each consumer told, as for any revocation) and the tables provisioned for
 * its ports dropped or kept, as `dataMesh.provisioning.retiredObjects` says. Only tables the
 * provisioners created for that product and port are ever dropped. What was done is recorded
 * as the product's facts of source `retirement`, each time a run does something.
 */
export class RetirementService {
  constructor(
    private readonly options: {
      config: ProvisioningConfig;
      provisioners: OutputPortProvisioner[];
      catalog: CatalogService;
      auth: AuthService;
      agreements: RetirementAgreements;
      facts: FactStore;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** What retirement last did to a product, or undefined before it has. */
  async recordOf(
    entityRef: string,
  ): Promise<(RetirementRecord & { at: string }) | undefined> {
    const latest = await this.options.facts.getLatestFacts([entityRef]);
    const stored = latest.get(entityRef)?.get(RETIREMENT_FACT_SOURCE);
    if (!stored) return undefined;
    const facts = stored.facts as unknown as Partial<RetirementRecord>;
    return {
      sunset: String(facts.sunset ?? ''),
      objects: facts.objects === 'dropped' ? 'dropped' : 'kept',
      tables: Array.isArray(facts.tables) ? facts.tables.map(String) : [],
      agreementsRevoked: Number(facts.agreementsRevoked ?? 0),
      problems: Array.isArray(facts.problems) ? facts.problems.map(String) : [],
      at: stored.observedAt.toISOString(),
    };
  }

  /** One run over every product past its sunset. */
  async run(): Promise<{ retired: string[] }> {
    const { catalog, auth, facts } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const today = (this.options.now?.() ?? new Date())
      .toISOString()
      .slice(0, 10);
    const { items } = await catalog.getEntities(
      {
        filter: [
          { kind: 'DataProduct', 'spec.status': 'deprecated' },
          { kind: 'DataProduct', 'spec.status': 'retired' },
        ],
      },
      { credentials },
    );
    const due = items.filter(p => {
      const sunset = (p.spec?.deprecation as { sunset?: unknown } | undefined)
        ?.sunset;
      return typeof sunset === 'string' && sunset < today;
    });
    if (due.length === 0) return { retired: [] };
    const done = await facts.getLatestFacts(due.map(p => entityRefKey(p)));
    const retired: string[] = [];
    for (const product of due) {
      const ref = entityRefKey(product);
      const previous = done.get(ref)?.get(RETIREMENT_FACT_SOURCE)?.facts as
        | Partial<RetirementRecord>
        | undefined;
      const record = await this.retire(product);
      // Every run looks again (an agreement approved late, a table back); a run that finds
      // nothing more to do records nothing.
      const changed =
        !previous ||
        record.agreementsRevoked > 0 ||
        (record.objects === 'dropped' && record.tables.length > 0) ||
        JSON.stringify(record.problems) !==
          JSON.stringify(previous.problems ?? []) ||
        (record.objects === 'kept' &&
          JSON.stringify(record.tables) !==
            JSON.stringify(previous.tables ?? []));
      if (!changed) continue;
      await facts.addFacts({
        entityRef: ref,
        source: RETIREMENT_FACT_SOURCE,
        facts: record as unknown as Parameters<
          FactStore['addFacts']
        >[0]['facts'],
        observedAt: this.options.now?.() ?? new Date(),
      });
      retired.push(ref);
      this.options.logger.info(
        `Retired ${ref} (sunset ${record.sunset}): ${
          record.agreementsRevoked
        } agreement(s) revoked, tables ${record.objects}: ${
          record.tables.join(', ') || 'none'
        }${
          record.problems.length
            ? `; problems: ${record.problems.join('; ')}`
            : ''
        }`,
      );
    }
    return { retired };
  }

  private async retire(product: Entity): Promise<RetirementRecord> {
    const ref = entityRefKey(product);
    const { config, agreements } = this.options;
    const problems: string[] = [];
    const sunset = String(
      (product.spec?.deprecation as { sunset?: string }).sunset,
    );

    let agreementsRevoked = 0;
    const open = await agreements.list(
      [ref],
      { states: ['requested', 'approved', 'active', 'failed'] },
      { limit: 1000, offset: 0 },
    );
    for (const agreement of open) {
      try {
        // Requests still waiting are rejected: there is nothing to grant any more.
        await agreements.decide(agreement.id, {
          action: agreement.state === 'requested' ? 'reject' : 'revoke',
          actor: 'plugin:data-mesh',
          comment: `${ref} passed its sunset, ${sunset}`,
        });
        agreementsRevoked += 1;
      } catch (error) {
        problems.push(
          `agreement ${agreement.id}: ${
            isError(error) ? error.message : String(error)
          }`,
        );
      }
    }

    const tables: string[] = [];
    for (const { port, server, schema, names } of await this.portTables(
      product,
    )) {
      const label = (name: string) => `${server.id}:${schema}.${name}`;
      if (config.retiredObjects === 'keep') {
        tables.push(...names.map(label));
        continue;
      }
      const provisioner = this.options.provisioners.find(p =>
        p.supports(server.type),
      );
      if (!provisioner) continue;
      try {
        const result = await provisioner.unprovision({
          server,
          schema,
          productRef: ref,
          port,
          tables: names,
        });
        tables.push(
          ...result.dropped.map(t => `${server.id}:${t.replace(/"/g, '')}`),
        );
      } catch (error) {
        problems.push(
          `port ${port} on ${server.id}: ${
            isError(error) ? error.message : String(error)
          }`,
        );
      }
    }
    return {
      sunset,
      objects: config.retiredObjects === 'keep' ? 'kept' : 'dropped',
      tables,
      agreementsRevoked,
      problems,
    };
  }

  /** The tables of each port's contract on a provisioning server, as the contract says. */
  private async portTables(product: Entity) {
    const { catalog, auth, config } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const ports = (product.spec?.outputPorts ?? []) as Array<{
      name: string;
      contract?: string;
    }>;
    const namespace = product.metadata.namespace ?? 'default';
    const result: Array<{
      port: string;
      server: { id: string; type: string };
      schema: string;
      names: string[];
    }> = [];
    for (const port of ports) {
      if (typeof port.contract !== 'string') continue;
      let api: Entity | undefined;
      try {
        api = await catalog.getEntityByRef(
          entityRefKey(port.contract, {
            defaultKind: 'API',
            defaultNamespace: namespace,
          }),
          { credentials },
        );
      } catch {
        continue;
      }
      const definition = (api?.spec as { definition?: unknown } | undefined)
        ?.definition;
      if (typeof definition !== 'string') continue;
      let contract;
      try {
        contract = readOdcsContract(definition);
      } catch {
        continue;
      }
      const names = listOf<OdcsSchemaObject>(contract.schema)
        .map(o => String(o.physicalName ?? o.name ?? ''))
        .filter(Boolean);
      for (const entry of listOf<OdcsServer>(contract.servers)) {
        const server = config.servers.get(String(entry.server));
        if (!server || typeof entry.schema !== 'string') continue;
        result.push({
          port: port.name,
          server: { id: server.id, type: server.type },
          schema: entry.schema,
          names,
        });
      }
    }
    return result;
  }
}
