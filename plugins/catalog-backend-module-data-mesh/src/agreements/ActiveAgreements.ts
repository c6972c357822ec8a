import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { DataMeshApiClient } from '@datamesh-portal/plugin-data-mesh-common';

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

/** How long a product's agreements are reused before they are asked again. */
const FRESH_MS = 60_000;

/**
 * A product's active agreements read from the data mesh backend
 * (`GET /access-requests?productRef=...&state=active`) as this plugin, kept a minute. When the
 * backend does not answer, the last known agreements are kept (none before the first answer)
 * and the failure is logged: a product is never failed because the backend is down.
 */
export class DataMeshActiveAgreements implements ActiveAgreementSource {
  private readonly client: DataMeshApiClient;
  private readonly known = new Map<
    string,
    { at: number; agreements: ActiveAgreement[] }
  >();

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
    const now = (this.options.now ?? Date.now)();
    const last = this.known.get(productRef);
    if (last && now - last.at < FRESH_MS) return last.agreements;
    try {
      const { token } = await this.options.auth.getPluginRequestToken({
        onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
        targetPluginId: 'data-mesh',
      });
      const { items } = await this.client.listAccessRequests(
        { query: { productRef, state: ['active'] } },
        { token },
      );
      const agreements = items.map(({ consumerRef, outputPort }) => ({
        consumerRef,
        outputPort,
      }));
      this.known.set(productRef, { at: now, agreements });
      return agreements;
    } catch (error) {
      this.options.logger.warn(
        `Active agreements of ${productRef} could not be read from the data mesh backend, keeping the last known (${
          last?.agreements.length ?? 0
        }): ${error}`,
      );
      return last?.agreements ?? [];
    }
  }
}
