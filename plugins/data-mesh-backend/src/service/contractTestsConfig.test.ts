import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { dataMeshPlugin } from '../plugin';
import { readContractTestsConfig } from './contractTestsConfig';

const DAY = 86_400_000;
const read = (dataMesh: JsonObject) =>
  readContractTestsConfig(new ConfigReader({ dataMesh }));

describe('the contract tests config', () => {
  it('has no servers and tests hourly, new contracts every minute, by default', () => {
    expect(read({})).toEqual({
      servers: new Map(),
      schedule: {
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 2 },
      },
      newContractsSchedule: {
        frequency: { minutes: 1 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 30 },
      },
      timeoutMs: 5 * 60_000,
      concurrency: 2,
      maxConcurrentQueries: 4,
      retentionMs: 90 * DAY,
      keepRunsPerContract: 100,
    });
  });

  it('reads the servers, schedules, bounds and retention', () => {
    const config = read({
      servers: {
        warehouse: { type: 'duckdb', path: '/data/warehouse.duckdb' },
        lake: {
          type: 'postgres',
          host: 'db.internal',
          database: 'lake',
          user: 'reader',
          password: 'secret',
        },
      },
      contractTests: {
        schedule: { frequency: { hours: 6 }, timeout: 'PT1H' },
        newContractsSchedule: { frequency: { minutes: 5 }, timeout: 'PT5M' },
        timeout: 'PT2M',
        concurrency: 8,
        maxConcurrentQueries: 2,
        retention: '30 days',
        keepRunsPerContract: 10,
      },
    });
    expect([...config.servers.keys()]).toEqual(['warehouse', 'lake']);
    expect(config.servers.get('lake')).toEqual(
      expect.objectContaining({ type: 'postgres', port: 5432 }),
    );
    expect(config).toEqual(
      expect.objectContaining({
        schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } },
        newContractsSchedule: {
          frequency: { minutes: 5 },
          timeout: { minutes: 5 },
        },
        timeoutMs: 2 * 60_000,
        concurrency: 8,
        maxConcurrentQueries: 2,
        retentionMs: 30 * DAY,
        keepRunsPerContract: 10,
      }),
    );
  });

  it.each([
    [{ servers: { x: { type: 'oracle' } } }, 'dataMesh.servers.x.type'],
    [
      { servers: { pg: { type: 'postgres', host: 'h', user: 'u' } } },
      'dataMesh.servers.pg.database',
    ],
    [
      { contractTests: { concurrency: 0 } },
      'dataMesh.contractTests.concurrency',
    ],
    [
      { contractTests: { keepRunsPerContract: 1.5 } },
      'dataMesh.contractTests.keepRunsPerContract',
    ],
    [{ contractTests: { timeout: 'PT0S' } }, 'dataMesh.contractTests.timeout'],
    [
      { contractTests: { retention: 'soon' } },
      'dataMesh.contractTests.retention',
    ],
  ])('refuses %j naming %s', (dataMesh, key) => {
    expect(() => read(dataMesh as JsonObject)).toThrow(key);
  });

  it('stops the backend at startup, naming the field', async () => {
    await expect(
      startTestBackend({
        features: [
          dataMeshPlugin,
          mockServices.rootConfig.factory({
            data: { dataMesh: { servers: { warehouse: { type: 'duckdb' } } } },
          }),
        ],
      }),
    ).rejects.toThrow('dataMesh.servers.warehouse');
  });
});
