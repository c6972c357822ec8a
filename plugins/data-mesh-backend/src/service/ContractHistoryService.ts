import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  SchedulerServiceTaskFunction,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  bumpCovers,
  ContractChange,
  DATA_MESH_RELATIONS,
  declaredBump,
  diffContracts,
  entityRefKey,
  ODCS_API_TYPE,
  readOdcsContract,
  requiredBump,
  VersionBump,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  ContractDefinitionEntry,
  ContractHistoryStore,
  NewContractDefinition,
  StoredContractDefinition,
} from '../database/ContractHistoryStore';
import {
  ContractConsumer,
  ContractImpactService,
  definitionOf,
  parseContractRef,
} from './ContractImpactService';
import { FactStore } from '../database/FactStore';
import { readSchedule } from './config';
import type { EvaluationService } from './EvaluationService';

/**
 * The schedule of the history pass, `dataMesh.contractHistory.schedule`: by default every
 * 5 minutes, a minute after the backend starts.
 */
export function readContractHistorySchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  return readSchedule(config.getOptionalConfig('dataMesh.contractHistory'), {
    frequency: { minutes: 5 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
  });
}

type Signal = Parameters<SchedulerServiceTaskFunction>[0];

/** Contract APIs read from the catalog per request of a pass. */
const PAGE_SIZE = 200;
/** Versions a contract's history lists at most. */
const MAX_VERSIONS = 500;
/** Changes named in a notification; the link shows them all. */
const CHANGES_IN_NOTIFICATION = 5;
const TOPIC = 'data-mesh-contract-change';
const HASH = /^[0-9a-f]{64}$/;
/**
 * The fact the history writes for each product providing a contract that changed: whether the
 * last change of each of its contracts declares a large enough version bump. The default
 * policy `contract-versions-cover-changes` reads it.
 */
export const CONTRACT_VERSIONS_FACT_SOURCE = 'contract_versions';

/** A change between two recorded definitions of a contract. */
export interface ContractVersionDiff {
  contractRef: string;
  from: ContractDefinitionEntry;
  to: ContractDefinitionEntry;
  required: VersionBump;
  /** The bump the versions declare; `none` when they are no semantic versions or go down. */
  declared: VersionBump;
  covered: boolean;
  breaking: boolean;
  /** Why `declared` could not be judged, when it could not. */
  versionProblem?: string;
  changes: ContractChange[];
}

/** The comparison of two recorded definitions, judging the version leniently. */
export function compareRecorded(
  from: StoredContractDefinition,
  to: StoredContractDefinition,
): Omit<ContractVersionDiff, 'contractRef' | 'from' | 'to'> {
  const changes = diffContracts(from.definition, to.definition);
  const required = requiredBump(changes);
  let declared: VersionBump = 'none';
  let versionProblem: string | undefined;
  try {
    declared = declaredBump(from.version, to.version);
  } catch (error) {
    versionProblem = (error as Error).message;
  }
  return {
    required,
    declared,
    covered: !versionProblem && bumpCovers(declared, required),
    breaking: changes.some(c => c.severity === 'breaking'),
    ...(versionProblem ? { versionProblem } : {}),
    changes,
  };
}

const entryOf = ({
  definition: _,
  ...entry
}: StoredContractDefinition): ContractDefinitionEntry => entry;

/**
 * The history of data contracts: a pass records each definition of every contract in the
 * catalog (API entities of `spec.type` odcs) the first time it is seen; when a new definition
 * breaks consumers, the owners of each consumer relying on the contract (products reading it
 * on an input port, active usage agreements on the ports carrying it) are told once, with what
 * changed and a link to the diff. A non-breaking change tells nobody.
 */
export class ContractHistoryService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      history: ContractHistoryStore;
      impact: ContractImpactService;
      notifications: NotificationService;
      logger: LoggerService;
      /** Where the fact `contract_versions` of the providing products is written. */
      facts?: FactStore;
      /** Re-evaluates the providing products when their fact changes. */
      evaluations?: Pick<EvaluationService, 'evaluateRefs'>;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records the definitions of every contract in the catalog not seen before and notifies the
   * consumers of breaking ones. Returns how many contracts were read and definitions recorded.
   */
  async recordAll(
    signal?: Signal,
  ): Promise<{ contracts: number; recorded: number; notified: number }> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    let contracts = 0;
    let recorded = 0;
    let notified = 0;
    do {
      const page = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, fields: ['kind', 'metadata', 'spec'], limit: PAGE_SIZE }
          : {
              filter: { kind: 'API', 'spec.type': ODCS_API_TYPE },
              fields: ['kind', 'metadata', 'spec'],
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      contracts += page.items.length;
      const seenAt = this.now();
      const definitions = page.items.flatMap(api => {
        const text = definitionOf(api);
        try {
          return [
            {
              contractRef: entityRefKey(api),
              definition: readOdcsContract(String(text ?? '')),
              seenAt,
            },
          ];
        } catch (error) {
          this.options.logger.debug(
            `Contract history: ${entityRefKey(
              api,
            )} has no readable definition: ${error}`,
          );
          return [];
        }
      });
      const fresh = await this.options.history.record(definitions);
      recorded += fresh.length;
      const apis = new Map(page.items.map(api => [entityRefKey(api), api]));
      for (const change of fresh) {
        const api = apis.get(change.recorded.contractRef);
        if (api && change.previous) {
          notified += await this.notifyBreaking(api, change, credentials);
        }
      }
      const changed = fresh
        .filter(change => change.previous)
        .map(change => change.recorded.contractRef);
      if (changed.length) await this.writeVersionFacts(changed, credentials);
      cursor = page.pageInfo.nextCursor;
    } while (cursor && !signal?.aborted);
    return { contracts, recorded, notified };
  }

  /**
   * Writes the fact `contract_versions` of each product providing one of these contracts: of
   * all the contracts it provides, how many have a last change whose declared version bump is
   * smaller than its changes need; then re-evaluates those products.
   */
  private async writeVersionFacts(
    contractRefs: string[],
    credentials: BackstageCredentials,
  ) {
    const { facts, evaluations } = this.options;
    if (!facts) return;
    const relation = `relations.${DATA_MESH_RELATIONS.providesApi}`;
    const { items: products } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'DataProduct', [relation]: contractRefs },
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'relations'],
      },
      { credentials },
    );
    const verdicts = new Map<string, boolean>();
    const coveredOf = async (contractRef: string) => {
      if (!verdicts.has(contractRef)) {
        const [latest, previous] = await this.options.history.listVersions(
          contractRef,
          { limit: 2 },
        );
        let covered = true;
        if (latest && previous) {
          const [to, from] = await Promise.all(
            [latest, previous].map(v =>
              this.options.history.getDefinition(contractRef, v.hash),
            ),
          );
          covered = compareRecorded(from!, to!).covered;
        }
        verdicts.set(contractRef, covered);
      }
      return verdicts.get(contractRef)!;
    };
    const observedAt = this.now();
    const observations = [];
    for (const product of products) {
      const provided = [
        ...new Set(
          (product.relations ?? [])
            .filter(r => r.type === DATA_MESH_RELATIONS.providesApi)
            .map(r => entityRefKey(r.targetRef)),
        ),
      ].sort();
      const uncovered: string[] = [];
      for (const ref of provided) {
        if (!(await coveredOf(ref))) uncovered.push(ref);
      }
      observations.push({
        entityRef: entityRefKey(product),
        source: CONTRACT_VERSIONS_FACT_SOURCE,
        facts: {
          contracts: provided.length,
          uncovered: uncovered.length,
          uncoveredContracts: uncovered,
        },
        observedAt,
      });
    }
    if (observations.length === 0) return;
    const { refused } = await facts.addFactsBatch(observations);
    if (refused.length) {
      this.options.logger.warn(
        `Contract history: fact ${CONTRACT_VERSIONS_FACT_SOURCE} of ${refused
          .map(r => r.entityRef)
          .join(
            ', ',
          )} not stored, it already has the most fact sources allowed (dataMesh.facts.maxSourcesPerProduct)`,
      );
    }
    await evaluations?.evaluateRefs(observations.map(o => o.entityRef));
  }

  /**
   * Tells the owners of each consumer of the contract about a breaking change, one
   * notification per owner. Returns how many owners were notified; a failure to notify is
   * logged.
   */
  private async notifyBreaking(
    api: Entity,
    change: NewContractDefinition,
    credentials: BackstageCredentials,
  ): Promise<number> {
    const { recorded, previous } = change;
    if (!previous) return 0;
    const comparison = compareRecorded(previous, recorded);
    if (!comparison.breaking) return 0;
    const contractRef = entityRefKey(api);
    const consumers = await this.options.impact.consumersOf(api, credentials);
    const byOwner = new Map<string, ContractConsumer[]>();
    for (const consumer of consumers) {
      for (const owner of consumer.owners) {
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), consumer]);
      }
    }
    if (byOwner.size === 0) return 0;
    const link = await this.diffLink(api, previous.hash, recorded.hash);
    const breaking = comparison.changes.filter(c => c.severity === 'breaking');
    const named = breaking
      .slice(0, CHANGES_IN_NOTIFICATION)
      .map(c => c.message)
      .join('; ');
    const more =
      breaking.length > CHANGES_IN_NOTIFICATION
        ? ` and ${breaking.length - CHANGES_IN_NOTIFICATION} more`
        : '';
    const name = api.metadata.title ?? api.metadata.name;
    let notified = 0;
    for (const [owner, affected] of [...byOwner].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const yours = affected
        .map(c =>
          c.kind === 'agreement'
            ? `the agreement of ${parseEntityRef(c.entityRef).name} on port ${
                c.port
              }${c.contractVersion ? ` (relying on ${c.contractVersion})` : ''}`
            : `${parseEntityRef(c.entityRef).name} (input port ${c.port})`,
        )
        .join(', ');
      try {
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `Breaking change to contract ${name}: ${previous.version} to ${recorded.version}`,
            description: `${breaking.length} breaking change${
              breaking.length === 1 ? '' : 's'
            }: ${named}${more}. It affects ${yours}.`,
            link,
            severity: 'high',
            topic: TOPIC,
            scope: `${TOPIC}:${contractRef}:${recorded.hash}`,
          },
        });
        notified += 1;
      } catch (error) {
        this.options.logger.warn(
          `Could not notify ${owner} of the breaking change to ${contractRef}: ${error}`,
        );
      }
    }
    this.options.logger.info(
      `Contract ${contractRef} ${previous.version} to ${recorded.version}: ${breaking.length} breaking changes, ${notified} owners of consumers notified`,
    );
    return notified;
  }

  /**
   * The diff in the portal: the Changes tab of the product providing the contract, else the
   * contract's own page, with the contract and the two definitions as query parameters.
   */
  private async diffLink(api: Entity, from: string, to: string) {
    const contractRef = entityRefKey(api);
    const query = `contract=${encodeURIComponent(
      contractRef,
    )}&from=${from}&to=${to}`;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'DataProduct',
          [`relations.${DATA_MESH_RELATIONS.providesApi}`]: contractRef,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
        limit: 1,
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const product = items[0];
    if (product) {
      return `/catalog/${product.metadata.namespace ?? 'default'}/dataproduct/${
        product.metadata.name
      }/changes?${query}`;
    }
    const { namespace, name } = parseEntityRef(contractRef);
    return `/catalog/${namespace}/api/${name}?${query}`;
  }

  /** The recorded definitions of a contract the caller may read, newest first. */
  async versions(
    contractRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ contractRef: string; items: ContractDefinitionEntry[] }> {
    const ref = await this.readable(contractRef, credentials);
    return {
      contractRef: ref,
      items: await this.options.history.listVersions(ref, {
        limit: MAX_VERSIONS,
      }),
    };
  }

  /**
   * The changes between two recorded definitions of a contract the caller may read, each
   * named by content hash or by version (the latest definition of it): `to` defaults to the
   * latest, `from` to the definition before `to`.
   */
  async diff(
    contractRef: string,
    query: { from?: string; to?: string },
    credentials: BackstageCredentials,
  ): Promise<ContractVersionDiff> {
    const ref = await this.readable(contractRef, credentials);
    const versions = await this.options.history.listVersions(ref, {
      limit: MAX_VERSIONS,
    });
    const find = (value: string, field: string) => {
      const found = versions.find(v =>
        HASH.test(value) ? v.hash === value : v.version === value,
      );
      if (!found) {
        throw new NotFoundError(
          `${field}: ${ref} has no recorded definition ${JSON.stringify(
            value,
          )} (a content hash or a version)`,
        );
      }
      return found;
    };
    const to = query.to ? find(query.to, 'to') : versions[0];
    if (!to) throw new NotFoundError(`${ref} has no recorded definition yet`);
    const from = query.from
      ? find(query.from, 'from')
      : versions[versions.indexOf(to) + 1];
    if (!from) {
      throw new InputError(
        `from: ${ref} has no definition before ${to.version} to compare with`,
      );
    }
    const [fromDefinition, toDefinition] = await Promise.all(
      [from, to].map(v => this.options.history.getDefinition(ref, v.hash)),
    );
    return {
      contractRef: ref,
      from: entryOf(fromDefinition!),
      to: entryOf(toDefinition!),
      ...compareRecorded(fromDefinition!, toDefinition!),
    };
  }

  /** The contract's ref when the caller may read it as a data contract; else NotFound. */
  private async readable(
    contractRef: string,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const ref = parseContractRef(contractRef, 'contractRef');
    const api = await this.options.impact.readContract(
      ref,
      credentials,
      'contractRef',
    );
    return entityRefKey(api);
  }
}
