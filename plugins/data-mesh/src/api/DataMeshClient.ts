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
  CreateWaiverRequest,
  DomainMapResponse,
  MeshInsightResponse,
  ProductsQueryResponse,
  EvaluateRequest,
  EvaluateResponse,
  GovernanceResponse,
  GovernanceSummaryResponse,
  RulesResponse,
  ScorecardHistoryResponse,
  ScorecardResponse,
  ScorecardRollupResponse,
  Waiver,
  WaiverDecisionRequest,
  WaiverResponse,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';

/** An entity, its compound ref, or its ref as a string (`dataproduct:default/orders`). @public */
export type DataMeshEntityRef = string | CompoundEntityRef | Entity;

/** What a governance admin can do with a waiver. @public */
export type WaiverDecision = 'approve' | 'reject' | 'revoke';

/** Filters of {@link DataMeshApi.listWaivers}; both optional. @public */
export interface ListWaiversQuery {
  entityRef?: DataMeshEntityRef;
  /** One status or several (any of them). */
  status?: WaiverStatus | WaiverStatus[];
}

/** How {@link DataMeshApi.queryProducts} sorts: by score or name, `-` for descending. @public */
export type ProductsSort = 'score' | '-score' | 'name' | '-name';

/**
 * Filters, sort and page of {@link DataMeshApi.queryProducts}; all optional. Filters given as
 * lists match any of their values.
 * @public
 */
export interface ProductsQuery {
  /** Free text matched against the products' names and titles. */
  q?: string;
  domain?: string | string[];
  owner?: string | string[];
  status?: string | string[];
  type?: string | string[];
  classification?: string | string[];
  personalData?: boolean;
  level?: string | string[];
  compliant?: boolean;
  sort?: ProductsSort;
  limit?: number;
  offset?: number;
}

/**
 * Client of the data mesh backend (`/api/data-mesh`): scorecards, their history, on-demand
 * evaluation, rollups, the rules in force, governance verdicts and waivers.
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
  /** The scorecard levels and checks, and the governance policies, in force. */
  getRules(): Promise<RulesResponse>;
  /** The governance verdict of a product, or undefined when it has not been evaluated yet. */
  getGovernance(
    entityRef: DataMeshEntityRef,
  ): Promise<GovernanceResponse | undefined>;
  /** Compliance of the whole mesh: per policy, per domain, violations and waivers. */
  getGovernanceSummary(): Promise<GovernanceSummaryResponse>;
  /** Waivers, optionally of one product and in some statuses. */
  listWaivers(query?: ListWaiversQuery): Promise<{ items: Waiver[] }>;
  /** One waiver with its audit log. */
  getWaiver(id: string): Promise<WaiverResponse>;
  /** Asks for a waiver of a policy for a product; it is pending until an admin decides. */
  requestWaiver(request: CreateWaiverRequest): Promise<Waiver>;
  /** Approves or rejects a pending waiver, or revokes an approved one. */
  decideWaiver(
    id: string,
    decision: WaiverDecision,
    comment?: string,
  ): Promise<Waiver>;
  /** Evaluates an entity that need not be in the catalog, without storing anything. */
  dryRun(request: EvaluateRequest): Promise<EvaluateResponse>;
  /** A page of data products matching filters, with their scores, for the explorer. */
  queryProducts(query?: ProductsQuery): Promise<ProductsQueryResponse>;
  /** Scores and compliance of the mesh per domain and over time, and what got worse. */
  getInsight(): Promise<MeshInsightResponse>;
  /** The domains, their products and the lineage edges between products. */
  getDomainMap(): Promise<DomainMapResponse>;
}

/** Reference to the {@link DataMeshApi}. @public */
export const dataMeshApiRef = createApiRef<DataMeshApi>({
  id: 'plugin.data-mesh.service',
});

/** The ref's kind, namespace and name, lower-cased as the catalog compares them. */
function normalizeRef(entityRef: DataMeshEntityRef): CompoundEntityRef {
  const ref = parseEntityRef(
    typeof entityRef === 'string' ? entityRef : stringifyEntityRef(entityRef),
  );
  const lower = (part: string) => part.toLocaleLowerCase('en-US');
  return {
    kind: lower(ref.kind),
    namespace: lower(ref.namespace),
    name: lower(ref.name),
  };
}

/** The normalised ref as URL path segments: kind, namespace, name. */
function refParts(entityRef: DataMeshEntityRef): string[] {
  const { kind, namespace, name } = normalizeRef(entityRef);
  return [kind, namespace, name].map(encodeURIComponent);
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

  async getGovernance(
    entityRef: DataMeshEntityRef,
  ): Promise<GovernanceResponse | undefined> {
    const response = await this.request(
      `/governance/${refParts(entityRef).join('/')}`,
    );
    if (response.status === 404) return undefined;
    return this.json(response);
  }

  async getGovernanceSummary(): Promise<GovernanceSummaryResponse> {
    return this.json(await this.request('/governance'));
  }

  async listWaivers(
    query: ListWaiversQuery = {},
  ): Promise<{ items: Waiver[] }> {
    const params = new URLSearchParams();
    if (query.entityRef)
      params.append(
        'entityRef',
        stringifyEntityRef(normalizeRef(query.entityRef)),
      );
    for (const status of [query.status ?? []].flat()) {
      params.append('status', status);
    }
    const search = params.toString();
    return this.json(
      await this.request(`/waivers${search ? `?${search}` : ''}`),
    );
  }

  async getWaiver(id: string): Promise<WaiverResponse> {
    return this.json(await this.request(`/waivers/${encodeURIComponent(id)}`));
  }

  async requestWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.json(await this.post('/waivers', request));
  }

  async decideWaiver(
    id: string,
    decision: WaiverDecision,
    comment?: string,
  ): Promise<Waiver> {
    const body: WaiverDecisionRequest = comment ? { comment } : {};
    return this.json(
      await this.post(`/waivers/${encodeURIComponent(id)}/${decision}`, body),
    );
  }

  async dryRun(request: EvaluateRequest): Promise<EvaluateResponse> {
    return this.json(await this.post('/evaluate', request));
  }

  async queryProducts(
    query: ProductsQuery = {},
  ): Promise<ProductsQueryResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of [value ?? []].flat()) {
        if (item !== '') params.append(key, String(item));
      }
    }
    const search = params.toString();
    return this.json(
      await this.request(`/products${search ? `?${search}` : ''}`),
    );
  }

  async getInsight(): Promise<MeshInsightResponse> {
    return this.json(await this.request('/insight'));
  }

  async getDomainMap(): Promise<DomainMapResponse> {
    return this.json(await this.request('/domain-map'));
  }

  private async post(path: string, body: unknown): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
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
