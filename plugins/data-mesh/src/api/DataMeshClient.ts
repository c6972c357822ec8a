import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  RulesResponse,
  ScorecardHistoryResponse,
  ScorecardResponse,
  ScorecardRollupResponse,
} from '@datamesh-portal/plugin-data-mesh-common';

/** An entity, its compound ref, or its ref as a string (`dataproduct:default/orders`). @public */
export type DataMeshEntityRef = string | CompoundEntityRef | Entity;

/**
 * Client of the data mesh backend (`/api/data-mesh`): scorecards, their history, on-demand
 * evaluation, rollups and the rules in force.
 * @public
 */
export interface DataMeshApi {
  /** The latest scorecard of an entity, or undefined when it has not been evaluated yet. */
  getScorecard(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardResponse | undefined>;
  /** The score and level of an entity over time, oldest first. */
  getScorecardHistory(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardHistoryResponse>;
  /** Evaluates an entity now, stores the result and returns the new scorecard. */
  evaluate(entityRef: DataMeshEntityRef): Promise<ScorecardResponse>;
  /** The scorecards of the products of a domain or of an owner, summed up. */
  getRollup(
    groupBy: 'domain' | 'owner',
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardRollupResponse>;
  /** The scorecard levels and checks in force. */
  getRules(): Promise<RulesResponse>;
}

/** Reference to the {@link DataMeshApi}. @public */
export const dataMeshApiRef = createApiRef<DataMeshApi>({
  id: 'plugin.data-mesh.service',
});

/** The ref's kind, namespace and name, lower-cased as the catalog compares them. */
function refParts(entityRef: DataMeshEntityRef): string[] {
  const ref = parseEntityRef(
    typeof entityRef === 'string' ? entityRef : stringifyEntityRef(entityRef),
  );
  return [ref.kind, ref.namespace, ref.name].map(part =>
    encodeURIComponent(part.toLocaleLowerCase('en-US')),
  );
}

/**
 * The default {@link DataMeshApi}: calls the `data-mesh` backend plugin through the fetch API,
 * which adds the user's Backstage token.
 * @public
 */
export class DataMeshClient implements DataMeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getScorecard(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardResponse | undefined> {
    const response = await this.request(
      `/scorecards/${refParts(entityRef).join('/')}`,
    );
    if (response.status === 404) return undefined;
    return this.json(response);
  }

  async getScorecardHistory(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardHistoryResponse> {
    return this.json(
      await this.request(
        `/scorecards/${refParts(entityRef).join('/')}/history`,
      ),
    );
  }

  async evaluate(entityRef: DataMeshEntityRef): Promise<ScorecardResponse> {
    return this.json(
      await this.request(`/evaluate/${refParts(entityRef).join('/')}`, {
        method: 'POST',
      }),
    );
  }

  async getRollup(
    groupBy: 'domain' | 'owner',
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardRollupResponse> {
    const [, namespace, name] = refParts(entityRef);
    return this.json(
      await this.request(`/rollups/${groupBy}/${namespace}/${name}`),
    );
  }

  async getRules(): Promise<RulesResponse> {
    return this.json(await this.request('/rules'));
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('data-mesh');
    return this.fetchApi.fetch(`${baseUrl}${path}`, init);
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
