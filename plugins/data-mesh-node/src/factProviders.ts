import {
  createExtensionPoint,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { describeInvalidFactSource } from '@datamesh-portal/plugin-data-mesh-common';

/** Facts one provider observed about one entity. @public */
export interface CollectedFacts {
  entityRef: string;
  facts: JsonObject;
  /** When the values were true; defaults to the time of collection. */
  observedAt?: Date;
}

/**
 * Pulls facts about data products from somewhere outside the catalog (a warehouse, a quality
 * tool, an orchestrator). Rules read what it returns as `facts.<source>`.
 * @public
 */
export interface FactProvider {
  /** Identifier-like name under which rules see these facts, e.g. `warehouse`. */
  source: string;
  /** How often the data mesh backend runs the provider. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * Collects facts for the given data products; must honour the abort signal. A run that
   * throws, or does not settle within its timeout (`dataMesh.factProviders` config, else
   * `schedule.timeout`), fails alone: the signal is aborted and nothing is stored.
   */
  collect(options: {
    entities: Entity[];
    signal: AbortSignal;
  }): Promise<CollectedFacts[]>;
}

/** @public */
export interface DataMeshFactProvidersExtensionPoint {
  addFactProvider(...providers: FactProvider[]): void;
}

/**
 * Extension point through which backend modules register fact providers with the data mesh
 * backend.
 * @public
 */
export const dataMeshFactProvidersExtensionPoint =
  createExtensionPoint<DataMeshFactProvidersExtensionPoint>({
    id: 'data-mesh.fact-providers',
  });

/**
 * Checks a provider before it is registered so that a bad module fails the backend's start
 * with a message naming the provider and the field, not later in the middle of a run.
 * @public
 */
export function assertValidFactProvider(provider: FactProvider): void {
  const sourceProblem = describeInvalidFactSource(provider?.source);
  if (sourceProblem) {
    throw new InputError(`Fact provider source ${sourceProblem}`);
  }
  if (!provider.schedule || typeof provider.schedule !== 'object') {
    throw new InputError(
      `Fact provider "${provider.source}": schedule is required`,
    );
  }
  if (typeof provider.collect !== 'function') {
    throw new InputError(
      `Fact provider "${provider.source}": collect must be a function`,
    );
  }
}
