import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FactProvider } from '@datamesh-portal/plugin-data-mesh-node';
import request from 'supertest';
import {
  catalogYaml,
  dataMeshConfig,
  factProvidersModule,
  LogLine,
  productName,
  startDataMeshBackend,
  taskState,
  TestBackend,
  user,
  waitFor,
} from '../__testUtils__/backends';
import { factProviderTimeout } from './factProviders';

jest.setTimeout(120_000);

const PRODUCTS = 3;
const every = { frequency: { seconds: 1 }, timeout: { minutes: 10 } };

describe('fact providers that hang or throw', () => {
  const dir = createMockDirectory();
  const lines: LogLine[] = [];
  let backend: TestBackend;
  const calls = { hanging: 0, throwing: 0, ci: 0 };
  const hangingSignals: AbortSignal[] = [];

  const hanging: FactProvider = {
    source: 'hanging',
    schedule: every,
    // Never settles and ignores its signal.
    collect: ({ signal }) => {
      calls.hanging += 1;
      hangingSignals.push(signal);
      return new Promise(() => {});
    },
  };
  const throwing: FactProvider = {
    source: 'throwing',
    schedule: every,
    collect: async () => {
      calls.throwing += 1;
      throw new Error('warehouse unreachable');
    },
  };
  const good: FactProvider = {
    source: 'ci',
    schedule: every,
    collect: async ({ entities }) => {
      calls.ci += 1;
      return entities.map(entity => ({
        entityRef: `dataproduct:default/${entity.metadata.name}`,
        facts: { testsFailed: 0 },
      }));
    },
  };

  beforeAll(async () => {
    dir.setContent({ 'catalog-info.yaml': catalogYaml(PRODUCTS) });
    backend = await startDataMeshBackend({
      instance: 'providers',
      database: { client: 'better-sqlite3', connection: ':memory:' },
      catalogFile: dir.resolve('catalog-info.yaml'),
      dataMesh: {
        ...dataMeshConfig({
          frequency: { trigger: 'manual' },
          timeout: { minutes: 1 },
        }),
        factProviders: { sources: { hanging: { timeout: { seconds: 1 } } } },
      },
      lines,
      features: [factProvidersModule(hanging, throwing, good)],
    });
  });

  afterAll(() => backend?.stop());

  it('stores and scores the good provider, and runs the others again after each failure', async () => {
    const server = backend.server;
    for (let i = 0; i < PRODUCTS; i++) {
      await waitFor(`the facts of ${productName(i)} scored`, async () => {
        const res = await request(server)
          .get(
            `/api/data-mesh/scorecards/dataproduct/default/${productName(i)}`,
          )
          .set('Authorization', user);
        return (
          res.status === 200 &&
          res.body.checks.some(
            (c: any) => c.id === 'tests-pass' && c.outcome === 'pass',
          ) &&
          res.body
        );
      });
    }

    // The hanging provider's runs time out, so its worker is free to run it again.
    await waitFor('the hanging provider to be run again', () =>
      calls.hanging >= 2 ? true : undefined,
    );
    await waitFor('the throwing provider to be run again', () =>
      calls.throwing >= 2 ? true : undefined,
    );
    const seenGood = calls.ci;
    await waitFor('the good provider to keep running', () =>
      calls.ci > seenGood ? true : undefined,
    );
    expect(hangingSignals[0].aborted).toBe(true);

    const hangingState = await waitFor(
      'the hanging run to fail',
      async () =>
        (
          await taskState(backend, 'data-mesh-facts-hanging')
        ).taskState?.lastRunError,
    );
    expect(hangingState).toContain('did not finish collecting within 1000 ms');
    const throwingState = await waitFor(
      'the throwing run to fail',
      async () =>
        (
          await taskState(backend, 'data-mesh-facts-throwing')
        ).taskState?.lastRunError,
    );
    expect(throwingState).toContain('warehouse unreachable');
    const goodState = (await taskState(backend, 'data-mesh-facts-ci'))
      .taskState;
    expect(goodState.lastRunError).toBeUndefined();

    expect(
      lines.some(
        l =>
          l.level === 'warn' &&
          l.message.startsWith('Fact provider throwing failed, nothing stored'),
      ),
    ).toBe(true);
  });
});

describe('factProviderTimeout', () => {
  const provider = (source: string): FactProvider => ({
    source,
    schedule: { frequency: { minutes: 5 }, timeout: { minutes: 2 } },
    collect: async () => [],
  });

  it('takes the source setting, then the default, then the schedule timeout', () => {
    const config = new ConfigReader({
      timeout: { seconds: 30 },
      sources: { slow: { timeout: '10m' } },
    });
    expect(factProviderTimeout(config, provider('slow'))).toBe(600_000);
    expect(factProviderTimeout(config, provider('other'))).toBe(30_000);
    expect(factProviderTimeout(undefined, provider('other'))).toBe(120_000);
  });

  it('refuses a zero timeout, naming the key', () => {
    expect(() =>
      factProviderTimeout(
        new ConfigReader({ timeout: { seconds: 0 } }),
        provider('ci'),
      ),
    ).toThrow('dataMesh.factProviders.timeout: must be a duration above 0');
  });
});
