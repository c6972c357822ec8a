import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  AccessRequestListResponse,
  AccessRequestResponse,
  AccessRequestState,
  ContractTestsResponse,
  CreateAccessRequest,
  CreateWaiverRequest,
  DataMeshApiClient,
  DataMeshApiOperations,
  DomainMapResponse,
  entityRefKey,
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

/** What an owner of a data product can do with an access request. @public */
export type AccessDecision = 'approve' | 'reject' | 'revoke';

/** Filters of {@link DataMeshApi.listAccessRequests}; all optional. @public */
export interface ListAccessRequestsQuery {
  productRef?: DataMeshEntityRef;
  /** A Group, Component or System (the kind defaults to Group). */
  consumerRef?: DataMeshEntityRef;
  /** One state or several (any of them). */
  state?: AccessRequestState | AccessRequestState[];
  limit?: number;
}

/** A read-only preview of an output port's data, table by table. @public */
export type PortPreviewResponse =
  DataMeshApiOperations['previewPort']['responses'][200]['content']['application/json'];

/** The recorded definitions of a contract, newest first. @public */
export type ContractVersionsResponse =
  DataMeshApiOperations['listContractVersions']['responses'][200]['content']['application/json'];

/** The changes between two recorded definitions of a contract. @public */
export type ContractVersionDiffResponse =
  DataMeshApiOperations['diffContractVersions']['responses'][200]['content']['application/json'];

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
 * evaluation, rollups, the rules in force, governance verdicts, waivers and contract tests.
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
  /**
   * The latest contract test run of each contract of a data product, with every check and a
   * short history; undefined when the product is unknown (or the caller may not read it).
   */
  getContractTests(
    entityRef: DataMeshEntityRef,
  ): Promise<ContractTestsResponse | undefined>;
  /** Tests every contract of a data product now and returns the new runs (owners). */
  runContractTests(
    entityRef: DataMeshEntityRef,
  ): Promise<ContractTestsResponse>;
  /** Access requests (usage agreements) the user may read, newest first. */
  listAccessRequests(
    query?: ListAccessRequestsQuery,
  ): Promise<AccessRequestListResponse>;
  /** One access request with every transition. */
  getAccessRequest(id: string): Promise<AccessRequestResponse>;
  /** Asks for read access to an output port for a consumer the user belongs to. */
  requestAccess(request: CreateAccessRequest): Promise<AccessRequest>;
  /** Approves or rejects a requested agreement, or revokes a granted one (owners). */
  decideAccessRequest(
    id: string,
    decision: AccessDecision,
    comment?: string,
  ): Promise<AccessRequest>;
  /** The first rows of each table of an output port (owners and active consumers). */
  previewPort(
    entityRef: DataMeshEntityRef,
    port: string,
  ): Promise<PortPreviewResponse>;
  /**
   * The definitions of a contract (an API entity of `spec.type` odcs) the portal has seen,
   * newest first; undefined when the caller may not read it.
   */
  listContractVersions(
    contractRef: DataMeshEntityRef,
  ): Promise<ContractVersionsResponse | undefined>;
  /**
   * The changes between two recorded definitions of a contract, each by content hash or
   * version: `to` defaults to the latest, `from` to the one before `to`.
   */
  diffContractVersions(
    contractRef: DataMeshEntityRef,
    versions?: { from?: string; to?: string },
  ): Promise<ContractVersionDiffResponse>;
  /**
   * The servers the output ports of a domain's products may get tables on, with the domain's
   * schema on each (`domainRef`: kind Domain by default).
   */
  listProvisioningServers(
    domainRef: string,
  ): Promise<
    DataMeshApiOperations['listProvisioningServers']['responses'][200]['content']['application/json']
  >;
  /**
   * The DDL that would bring the tables of a product's ports up to their contracts, changing
   * nothing (owners only); a breaking change is answered with what breaks and whom.
   */
  planProvisioning(
    request: DataMeshApiOperations['planProvisioning']['requestBody']['content']['application/json'],
  ): Promise<
    DataMeshApiOperations['planProvisioning']['responses'][200]['content']['application/json']
  >;
  /**
   * Creates the ports' tables or adds the optional columns a non-breaking contract change
   * brings (owners only); a breaking change is refused (409) naming the consumers it would
   * break.
   */
  applyProvisioning(
    request: DataMeshApiOperations['applyProvisioning']['requestBody']['content']['application/json'],
  ): Promise<
    DataMeshApiOperations['applyProvisioning']['responses'][200]['content']['application/json']
  >;
}

/** Reference to the {@link DataMeshApi}. @public */
export const dataMeshApiRef = createApiRef<DataMeshApi>({
  id: 'plugin.data-mesh.service',
});

/** The parameters of a path naming an entity: its kind, namespace and name, lowercase. */
function pathOf(entityRef: DataMeshEntityRef): CompoundEntityRef {
  return parseEntityRef(entityRefKey(entityRef));
}

/**
 * The value of a call, or undefined when the backend answers 404: the product has not been
 * evaluated yet (or the caller may not read it).
 */
async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ResponseError && error.statusCode === 404) {
      return undefined;
    }
    throw error;
  }
}

type ProductsQueryParams = NonNullable<
  DataMeshApiOperations['queryProducts']['parameters']['query']
>;

/** A filter's values as a list, without empty ones; undefined when none is left. */
function values<T>(value: T | T[] | undefined): T[] | undefined {
  const list = [value ?? []].flat().filter(item => item !== '') as T[];
  return list.length ? list : undefined;
}

/**
 * The default {@link DataMeshApi}: calls the `data-mesh` backend plugin with the client
 * generated from its OpenAPI spec, through the fetch API, which adds the user's Backstage token.
 * @public
 */
export class DataMeshClient implements DataMeshApi {
  private readonly client: DataMeshApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new DataMeshApiClient(options);
  }

  async getScorecard(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardResponse | undefined> {
    return unlessNotFound(
      this.client.getScorecard({ path: pathOf(entityRef) }),
    );
  }

  async getScorecardHistory(
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardHistoryResponse> {
    return this.client.getScorecardHistory({ path: pathOf(entityRef) });
  }

  async evaluate(entityRef: DataMeshEntityRef): Promise<ScorecardResponse> {
    return this.client.evaluateEntity({ path: pathOf(entityRef) });
  }

  async getRollup(
    groupBy: 'domain' | 'owner',
    entityRef: DataMeshEntityRef,
  ): Promise<ScorecardRollupResponse> {
    const { namespace, name } = pathOf(entityRef);
    return this.client.getRollup({ path: { groupBy, namespace, name } });
  }

  async getRules(): Promise<RulesResponse> {
    return this.client.getRules();
  }

  async getGovernance(
    entityRef: DataMeshEntityRef,
  ): Promise<GovernanceResponse | undefined> {
    return unlessNotFound(
      this.client.getGovernance({ path: pathOf(entityRef) }),
    );
  }

  async getGovernanceSummary(): Promise<GovernanceSummaryResponse> {
    return this.client.getGovernanceSummary();
  }

  async listWaivers(
    query: ListWaiversQuery = {},
  ): Promise<{ items: Waiver[] }> {
    return this.client.listWaivers({
      query: {
        entityRef: query.entityRef ? entityRefKey(query.entityRef) : undefined,
        status: values(query.status),
      },
    });
  }

  async getWaiver(id: string): Promise<WaiverResponse> {
    return this.client.getWaiver({ path: { id } });
  }

  async requestWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.client.requestWaiver({ body: request });
  }

  async decideWaiver(
    id: string,
    decision: WaiverDecision,
    comment?: string,
  ): Promise<Waiver> {
    const body: WaiverDecisionRequest = comment ? { comment } : {};
    return this.client.decideWaiver({ path: { id, action: decision }, body });
  }

  async dryRun(request: EvaluateRequest): Promise<EvaluateResponse> {
    return this.client.evaluateDraft({ body: request });
  }

  async queryProducts(
    query: ProductsQuery = {},
  ): Promise<ProductsQueryResponse> {
    const { personalData, compliant, q, sort, limit, offset } = query;
    // The filters are free text here; the backend answers 400 naming a value it does not know.
    return this.client.queryProducts({
      query: {
        q: q || undefined,
        domain: values(query.domain),
        owner: values(query.owner),
        status: values(query.status) as ProductsQueryParams['status'],
        type: values(query.type) as ProductsQueryParams['type'],
        classification: values(
          query.classification,
        ) as ProductsQueryParams['classification'],
        personalData: values(personalData),
        level: values(query.level),
        compliant: values(compliant),
        sort,
        limit,
        offset,
      },
    });
  }

  async getInsight(): Promise<MeshInsightResponse> {
    return this.client.getInsight();
  }

  async getDomainMap(): Promise<DomainMapResponse> {
    return this.client.getDomainMap();
  }

  async getContractTests(
    entityRef: DataMeshEntityRef,
  ): Promise<ContractTestsResponse | undefined> {
    return unlessNotFound(
      this.client.getContractTests({ path: pathOf(entityRef) }),
    );
  }

  async runContractTests(
    entityRef: DataMeshEntityRef,
  ): Promise<ContractTestsResponse> {
    return this.client.runContractTests({ path: pathOf(entityRef) });
  }

  async listAccessRequests(
    query: ListAccessRequestsQuery = {},
  ): Promise<AccessRequestListResponse> {
    return this.client.listAccessRequests({
      query: {
        productRef: query.productRef
          ? entityRefKey(query.productRef)
          : undefined,
        consumerRef: query.consumerRef
          ? entityRefKey(query.consumerRef)
          : undefined,
        state: values(query.state),
        limit: query.limit,
      },
    });
  }

  async getAccessRequest(id: string): Promise<AccessRequestResponse> {
    return this.client.getAccessRequest({ path: { id } });
  }

  async requestAccess(request: CreateAccessRequest): Promise<AccessRequest> {
    return this.client.requestAccess({ body: request });
  }

  async decideAccessRequest(
    id: string,
    decision: AccessDecision,
    comment?: string,
  ): Promise<AccessRequest> {
    return this.client.decideAccessRequest({
      path: { id, action: decision },
      body: comment ? { comment } : {},
    });
  }

  async previewPort(
    entityRef: DataMeshEntityRef,
    port: string,
  ): Promise<PortPreviewResponse> {
    return this.client.previewPort({ path: { ...pathOf(entityRef), port } });
  }

  async listContractVersions(
    contractRef: DataMeshEntityRef,
  ): Promise<ContractVersionsResponse | undefined> {
    return unlessNotFound(
      this.client.listContractVersions({ path: pathOf(contractRef) }),
    );
  }

  async diffContractVersions(
    contractRef: DataMeshEntityRef,
    versions: { from?: string; to?: string } = {},
  ): Promise<ContractVersionDiffResponse> {
    return this.client.diffContractVersions({
      path: pathOf(contractRef),
      query: versions,
    });
  }

  async listProvisioningServers(
    domainRef: string,
  ): Promise<
    DataMeshApiOperations['listProvisioningServers']['responses'][200]['content']['application/json']
  > {
    return this.client.listProvisioningServers({
      query: { domain: domainRef },
    });
  }

  async planProvisioning(
    request: DataMeshApiOperations['planProvisioning']['requestBody']['content']['application/json'],
  ): Promise<
    DataMeshApiOperations['planProvisioning']['responses'][200]['content']['application/json']
  > {
    return this.client.planProvisioning({ body: request });
  }

  async applyProvisioning(
    request: DataMeshApiOperations['applyProvisioning']['requestBody']['content']['application/json'],
  ): Promise<
    DataMeshApiOperations['applyProvisioning']['responses'][200]['content']['application/json']
  > {
    return this.client.applyProvisioning({ body: request });
  }
}
