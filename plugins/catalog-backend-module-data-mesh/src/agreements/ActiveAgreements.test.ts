import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { DataMeshActiveAgreements } from './ActiveAgreements';

/**
 * The data mesh backend's list route as the catalog module sees it over HTTP: every active
 * agreement, paged as the route pages them. It counts the requests it answers.
 */
function agreementsBackend(agreements: number) {
  const requests: URL[] = [];
  let failing = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push(url);
    if (failing) {
      res.writeHead(503).end();
      return;
    }
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset'));
    const items = Array.from({ length: agreements }, (_, i) => ({
      productRef: `dataproduct:default/product-${i % 3}`,
      consumerRef: `group:default/team-${i}`,
      outputPort: 'orders',
    })).slice(offset, offset + limit);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items, limit, offset }));
  });
  return {
    requests,
    fail: () => {
      failing = true;
    },
    start: () =>
      new Promise<string>(resolve =>
        server.listen(0, '127.0.0.1', () =>
          resolve(
            `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
          ),
        ),
      ),
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('DataMeshActiveAgreements', () => {
  let backend: ReturnType<typeof agreementsBackend>;
  let clock: number;
  let source: DataMeshActiveAgreements;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    backend = agreementsBackend(1_001);
    const baseUrl = await backend.start();
    clock = 0;
    source = new DataMeshActiveAgreements({
      discovery: {
        getBaseUrl: async () => `${baseUrl}/data-mesh`,
        getExternalBaseUrl: async () => `${baseUrl}/data-mesh`,
      },
      auth: mockServices.auth(),
      logger,
      now: () => clock,
    });
  });
  afterEach(() => backend.stop());

  it('reads every active agreement once, paged, for all the products processed meanwhile', async () => {
    const [a, b, none] = await Promise.all([
      source.activeOf('dataproduct:default/product-0'),
      source.activeOf('DataProduct:default/Product-1'),
      source.activeOf('dataproduct:default/unknown'),
    ]);
    expect(a).toHaveLength(334);
    expect(b).toHaveLength(334);
    expect(a[0]).toEqual({
      consumerRef: 'group:default/team-0',
      outputPort: 'orders',
    });
    expect(none).toEqual([]);
    // 1,001 agreements in pages of 500: three requests, for every product.
    expect(backend.requests.map(u => u.searchParams.get('offset'))).toEqual([
      '0',
      '500',
      '1000',
    ]);
    expect(backend.requests[0].searchParams.get('state')).toBe('active');

    clock += 14_999;
    await source.activeOf('dataproduct:default/product-2');
    expect(backend.requests).toHaveLength(3);
    clock += 1;
    await source.activeOf('dataproduct:default/product-2');
    expect(backend.requests).toHaveLength(6);
  });

  it('keeps the last snapshot while the backend does not answer', async () => {
    expect(await source.activeOf('dataproduct:default/product-0')).toHaveLength(
      334,
    );
    backend.fail();
    clock += 60_000;
    expect(await source.activeOf('dataproduct:default/product-0')).toHaveLength(
      334,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('keeping the last known (3 products)'),
    );
  });
});
