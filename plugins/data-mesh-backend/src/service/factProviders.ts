import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  entityRefKey,
  isJsonObject,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  CollectedFacts,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import { FactObservation, FactStore } from '../database/FactStore';
import { DataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';

type Timeout = FactProvider['schedule']['timeout'];

function toMilliseconds(timeout: Timeout): number {
  return 'toMillis' in timeout && typeof timeout.toMillis === 'function'
    ? timeout.toMillis()
    : durationToMilliseconds(
        timeout as Parameters<typeof durationToMilliseconds>[0],
      );
}

/**
 * How long one run of a provider's `collect` may take: `dataMesh.factProviders.sources.<source>.timeout`,
 * else `dataMesh.factProviders.timeout`, else the timeout of the provider's schedule.
 */
export function factProviderTimeout(
  config: Config | undefined,
  provider: FactProvider,
): number {
  for (const key of [`sources.${provider.source}.timeout`, 'timeout']) {
    if (config?.has(key)) {
      const ms = durationToMilliseconds(
        readDurationFromConfig(config, { key }),
      );
      if (!(ms > 0)) {
        throw new InputError(
          `dataMesh.factProviders.${key}: must be a duration above 0`,
        );
      }
      return ms;
    }
  }
  return toMilliseconds(provider.schedule.timeout);
}

/**
 * Calls `collect` and settles within `timeoutMs`, or as soon as the scheduler aborts the run,
 * even when the provider ignores its signal: then the run fails with a
 * ServiceUnavailableError and the provider's promise is abandoned (its signal is aborted).
 */
async function collectWithin(
  provider: FactProvider,
  entities: Parameters<FactProvider['collect']>[0]['entities'],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<CollectedFacts[]> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (why: string) => {
      controller.abort();
      reject(
        new ServiceUnavailableError(
          `Fact provider ${provider.source} ${why}; its run is abandoned`,
        ),
      );
    };
    timer = setTimeout(
      () => stop(`did not finish collecting within ${timeoutMs} ms`),
      timeoutMs,
    );
    onAbort = () => stop('was aborted by the scheduler');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort);
  });
  try {
    const collected = await Promise.race([
      // A provider that throws synchronously fails like one that rejects.
      Promise.resolve().then(() =>
        provider.collect({ entities, signal: controller.signal }),
      ),
      stopped,
    ]);
    if (!Array.isArray(collected)) {
      throw new InputError(
        `Fact provider ${provider.source}: collect must return an array`,
      );
    }
    return collected;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The observations of a provider's run about the known entities (lowercase refs). Each is
 * checked, as the API checks pushed facts: a malformed one fails the run before anything is
 * stored.
 */
export function observationsOf(
  source: string,
  collected: CollectedFacts[],
  known: Set<string>,
  now: Date,
): FactObservation[] {
  return collected
    .filter(c => known.has(c.entityRef.toLocaleLowerCase('en-US')))
    .map(({ entityRef, facts, observedAt }) => {
      if (!isJsonObject(facts)) {
        throw new InputError(
          `Fact provider ${source}: facts of ${entityRef} must be a JSON object`,
        );
      }
      if (
        observedAt !== undefined &&
        !(observedAt instanceof Date && !Number.isNaN(observedAt.getTime()))
      ) {
        throw new InputError(
          `Fact provider ${source}: observedAt of ${entityRef} must be a valid date`,
        );
      }
      return { entityRef, source, facts, observedAt: observedAt ?? now };
    });
}

/**
 * Runs each fact provider on its own schedule (and under the scheduler's lock, so once across
 * instances): it gets every data product, its observations are stored, and the products whose
 * latest facts changed are re-evaluated. A provider that throws, hangs or times out only fails
 * its own run (the scheduler records the error and runs it again on its schedule); the others
 * are separate tasks. `collect` is bounded by {@link factProviderTimeout}.
 */
export async function scheduleFactProviders(options: {
  providers: FactProvider[];
  /** `dataMesh.factProviders`, if configured. */
  config?: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  facts: FactStore;
  evaluations: EvaluationService;
}) {
  const { providers, scheduler, logger, catalog, auth, facts, evaluations } =
    options;
  for (const provider of providers) {
    const timeoutMs = factProviderTimeout(options.config, provider);
    await scheduler.scheduleTask({
      id: `data-mesh-facts-${provider.source}`,
      ...provider.schedule,
      fn: async signal => {
        const { items: entities } = await catalog.getEntities(
          { filter: { kind: 'DataProduct' } },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        let collected: CollectedFacts[];
        try {
          collected = await collectWithin(
            provider,
            entities,
            signal as AbortSignal,
            timeoutMs,
          );
        } catch (error) {
          logger.warn(
            `Fact provider ${provider.source} failed, nothing stored: ${error}`,
          );
          throw error;
        }
        const { updatedEntityRefs, refused } = await facts.addFactsBatch(
          observationsOf(
            provider.source,
            collected,
            new Set(entities.map(e => entityRefKey(e))),
            new Date(),
          ),
        );
        if (refused.length) {
          // The others are stored: one product at its cap does not fail the run.
          logger.warn(
            `Fact provider ${provider.source}: not stored for ${refused.length} product(s) that already have the most fact sources allowed (dataMesh.facts.maxSourcesPerProduct), e.g. ${refused[0].entityRef}`,
          );
        }
        await evaluations.evaluateRefs(updatedEntityRefs);
        logger.info(
          `Fact provider ${provider.source}: ${collected.length} observations, ${updatedEntityRefs.length} products re-evaluated`,
        );
      },
    });
  }
}

/**
 * Schedules the retention of fact history: every `cleanupSchedule`, observations older than
 * `retentionMs` are deleted, except the newest of each product and source (its latest value).
 * Under the scheduler's lock, so on one instance at a time; the deletes are idempotent anyway.
 * (Its id is not under `data-mesh-facts-`, the fact providers' prefix: no source can clash.)
 */
export async function scheduleFactRetention(options: {
  config: DataMeshBackendConfig['facts'];
  scheduler: SchedulerService;
  logger: LoggerService;
  facts: FactStore;
  /** The clock; tests move it. */
  now?: () => Date;
}) {
  const { config, scheduler, logger, facts } = options;
  const now = options.now ?? (() => new Date());
  await scheduler.scheduleTask({
    id: 'data-mesh-fact-retention',
    ...config.cleanupSchedule,
    fn: async () => {
      const { deleted } = await facts.deleteFactHistory({
        observedBefore: new Date(now().getTime() - config.retentionMs),
      });
      if (deleted) {
        logger.info(
          `Fact retention: deleted ${deleted} observations older than ${Math.round(
            config.retentionMs / 86_400_000,
          )} days`,
        );
      }
    },
  });
}
