import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { FactProvider } from '@datamesh-portal/plugin-data-mesh-node';
import { DataMeshStore } from '../database/DataMeshStore';
import { refKey } from './RuleContextBuilder';
import { EvaluationService } from './EvaluationService';

/**
 * Runs each fact provider on its own schedule (and under the scheduler's lock, so once across
 * instances): it gets every data product, its observations are stored, and the products whose
 * latest facts changed are re-evaluated. A provider that throws or times out only fails its
 * own run; the others are separate tasks.
 */
export async function scheduleFactProviders(options: {
  providers: FactProvider[];
  scheduler: SchedulerService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  store: DataMeshStore;
  evaluations: EvaluationService;
}) {
  const { providers, scheduler, logger, catalog, auth, store, evaluations } =
    options;
  for (const provider of providers) {
    await scheduler.scheduleTask({
      id: `data-mesh-facts-${provider.source}`,
      ...provider.schedule,
      fn: async signal => {
        const { items: entities } = await catalog.getEntities(
          { filter: { kind: 'DataProduct' } },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        const collected = await provider.collect({
          entities,
          signal: signal as AbortSignal,
        });
        const known = new Set(entities.map(e => refKey(e)));
        const now = new Date();
        const { updatedEntityRefs } = await store.addFactsBatch(
          collected
            .filter(c => known.has(c.entityRef.toLocaleLowerCase('en-US')))
            .map(c => ({
              entityRef: c.entityRef,
              source: provider.source,
              facts: c.facts,
              observedAt: c.observedAt ?? now,
            })),
        );
        await evaluations.evaluateRefs(updatedEntityRefs);
        logger.info(
          `Fact provider ${provider.source}: ${collected.length} observations, ${updatedEntityRefs.length} products re-evaluated`,
        );
      },
    });
  }
}
