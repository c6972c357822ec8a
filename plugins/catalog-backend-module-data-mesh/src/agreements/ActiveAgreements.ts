import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  DataMeshApiClient,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';

/** An active usage agreement as the catalog needs it: who reads which port. @public */
export interface ActiveAgreement {
  consumerRef: string;
  outputPort: string;
}

/** Where the processor learns a product's active agreements. @public */
export interface ActiveAgreementSource {
  /** The active agreements of a product (lowercase ref); never throws. */
  activeOf(productRef: string): Promise<ActiveAgreement[]>;
}

/**
 * How long one snapshot of every active agreement is used. Short, since a change asks the
 * catalog to refresh its product and should show within seconds; one request per interval
 * costs the backend little.
 */
const FRESH_MS = 15_000;
/** The route's largest page. */
const PAGE = 500;
/** A bound on one read (100,000 agreements), should the backend never end its pages. */
const MAX_PAGES = 200;

type Snapshot = Map<string, ActiveAgreement[]>;

/**
 * Every active agreement read from the data mesh backend
 * (`GET /access-requests?state=active`, paged) as this plugin, in one snapshot kept
 * {@link FRESH_MS}: processing a product is a map lookup, not a request, so the cost does not
 * grow with the catalog's processing rate. When the backend does not answer, the last snapshot
 * is kept (none before the first answer) and the failure is logged: a product is never failed
 * because the backend is down.
 */
export class DataMeshActiveAgreements implements ActiveAgreementSource {
  private readonly client: DataMeshApiClient;
  private last?: { at: number; byProduct: Snapshot };
  /** The read in flight, shared by every product processed meanwhile. */
  private reading?: Promise<Snapshot>;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      now?: () => number;
    },
  ) {
    this.client = new DataMeshApiClient({ discoveryApi: options.discovery });
  }

  async activeOf(productRef: string): Promise<ActiveAgreement[]> {
    const byProduct = await this.snapshot();
    return byProduct.get(entityRefKey(productRef)) ?? [];
  }

  private async snapshot(): Promise<Snapshot> {
    const now = (this.options.now ?? Date.now)();
    if (this.last && now - this.last.at < FRESH_MS) return this.last.byProduct;
    this.reading ??= this.read()
      .then(byProduct => {
        this.last = { at: now, byProduct };
        return byProduct;
      })
      .catch(error => {
        const kept = this.last?.byProduct ?? new Map();
        this.options.logger.warn(
          `Active agreements could not be read from the data mesh backend, keeping the last known (${kept.size} products): ${error}`,
        );
        return kept;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  private async read(): Promise<Snapshot> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'data-mesh',
    });
    const byProduct: Snapshot = new Map();
    for (let page = 0; page < MAX_PAGES; page++) {
      const offset = page * PAGE;
      const { items } = await this.client.listAccessRequests(
        { query: { state: ['active'], limit: PAGE, offset } },
        { token },
      );
      for (const { productRef, consumerRef, outputPort } of items) {
        const key = entityRefKey(productRef);
        byProduct.set(key, [
          ...(byProduct.get(key) ?? []),
          { consumerRef, outputPort },
        ]);
      }
      if (items.length < PAGE) return byProduct;
    }
    this.options.logger.warn(
      `Active agreements: read the first ${MAX_PAGES * PAGE} only`,
    );
    return byProduct;
  }
}
