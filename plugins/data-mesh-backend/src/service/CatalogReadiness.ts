import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Where the data mesh catalog module answers the catalog's processing state. */
const PROCESSING_PATH = '/data-mesh/processing';

/** The catalog's processing state as the data mesh catalog module answers it. */
interface CatalogProcessingState {
  /** Entities the catalog knows of. */
  entities: number;
  /** Of those, the ones never processed and stitched (failed ones are not pending). */
  pending: number;
}

/** How often the state is asked for while waiting. */
const DEFAULT_POLL_MS = 2_000;

/**
 * Whether the catalog has finished its first processing: every entity it knows of processed
 * (or failed) once, so that what a product refers to (its domain, owner, contracts, upstream
 * products) is in the catalog if it will ever be. Evaluations before then would report
 * violations that are not real, such as a domain "missing" that is only not processed yet.
 *
 * Asks the data mesh catalog module (`GET /api/catalog/data-mesh/processing`), as the backend
 * service: ready once nothing is pending in two reads in a row (a location's entities enter the
 * catalog in the transaction that processes it, so nothing is between two waves) and the
 * catalog knows of something. Once ready it stays ready. A catalog without the module (404)
 * cannot tell: it counts as ready, with a warning.
 */
export class CatalogReadiness {
  #ready = false;
  #settledReads = 0;
  #waiting?: Promise<boolean>;
  private readonly pollMs: number;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** How long the first pass waits at most; then its results are provisional. */
      maxWaitMs: number;
      pollMs?: number;
      fetch?: typeof fetch;
    },
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** Whether the catalog has finished its first processing (known since the last read). */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Asks the catalog once: true (and ready from now on) when nothing is pending, or when the
   * catalog cannot tell; false while something is, or when it could not be asked.
   */
  async check(): Promise<boolean> {
    if (this.#ready) return true;
    try {
      const state = await this.read();
      if (state === 'unknown' || (state.pending === 0 && state.entities > 0)) {
        this.#ready = true;
      }
    } catch (error) {
      this.options.logger.debug(
        `The catalog could not say how far it is: ${error}`,
      );
    }
    return this.#ready;
  }

  /**
   * From now on the catalog counts as processed, whatever it says: after a first pass that
   * gave up waiting, so that a catalog that never settles (entities always being added) does
   * not hold back evaluations and notifications for good.
   */
  settle(): void {
    this.#ready = true;
  }

  /**
   * Waits until the catalog has finished its first processing: true then, false when
   * `maxWaitMs` passed first or `signal` aborted. Callers waiting at once share one wait.
   */
  wait(signal?: AbortSignal): Promise<boolean> {
    if (this.#ready) return Promise.resolve(true);
    this.#waiting ??= this.poll(signal).finally(() => {
      this.#waiting = undefined;
    });
    return this.#waiting;
  }

  private async poll(signal?: AbortSignal): Promise<boolean> {
    const { logger, maxWaitMs } = this.options;
    const deadline = Date.now() + maxWaitMs;
    let last: string | undefined;
    for (;;) {
      let state: CatalogProcessingState | 'unknown' | undefined;
      try {
        state = await this.read();
      } catch (error) {
        last = `the catalog could not say how far it is (${error})`;
      }
      if (state === 'unknown') {
        logger.warn(
          `The catalog cannot say whether it has processed everything (the data mesh catalog module is not installed): evaluating without waiting`,
        );
        this.#ready = true;
        return true;
      }
      if (state) {
        const settled = state.pending === 0 && state.entities > 0;
        this.#settledReads = settled ? this.#settledReads + 1 : 0;
        if (this.#settledReads >= 2) {
          logger.info(
            `The catalog has processed its ${state.entities} entities once: evaluating`,
          );
          this.#ready = true;
          return true;
        }
        last = `${state.pending} of ${state.entities} entities not processed yet`;
      }
      if (signal?.aborted) return false;
      if (Date.now() + this.pollMs > deadline) {
        logger.warn(
          `The catalog has not finished its first processing after ${Math.round(
            maxWaitMs / 1000,
          )} s (${
            last ?? 'nothing read yet'
          }): this pass's results are provisional and notify nobody`,
        );
        return false;
      }
      await sleep(this.pollMs, signal);
    }
  }

  private async read(): Promise<CatalogProcessingState | 'unknown'> {
    const { discovery, auth } = this.options;
    const fetchFn = this.options.fetch ?? fetch;
    const baseUrl = await discovery.getBaseUrl('catalog');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const response = await fetchFn(`${baseUrl}${PROCESSING_PATH}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status === 404) return 'unknown';
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as CatalogProcessingState;
    return { entities: Number(body.entities), pending: Number(body.pending) };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
