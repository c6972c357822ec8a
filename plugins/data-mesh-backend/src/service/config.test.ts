import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readDataMeshBackendConfig } from './config';

const DAY = 86_400_000;
const read = (dataMesh: JsonObject) =>
  readDataMeshBackendConfig(new ConfigReader({ dataMesh }));

describe('the data mesh backend config', () => {
  it('bounds stored facts and keeps removed products 30 days by default', () => {
    const config = read({});
    expect(config.facts).toEqual({
      retentionMs: 90 * DAY,
      maxSourcesPerProduct: 20,
      cleanupSchedule: {
        frequency: { hours: 1 },
        timeout: { minutes: 15 },
        initialDelay: { minutes: 1 },
      },
    });
    expect(config.removal).toEqual({ maxPercent: 50, retentionMs: 30 * DAY });
  });

  it.each([[{ days: 10 }], ['P10D'], ['10 days'], [{ hours: 240 }]])(
    'reads a retention written as %p, as Backstage reads durations',
    retention => {
      expect(
        read({ facts: { retention } as JsonObject }).facts.retentionMs,
      ).toBe(10 * DAY);
      expect(
        read({ scorecards: { removal: { retention } } as JsonObject }).removal
          .retentionMs,
      ).toBe(10 * DAY);
    },
  );

  it('reads the source cap, the cleanup schedule and the removal threshold', () => {
    const config = read({
      facts: {
        maxSourcesPerProduct: 5,
        cleanupSchedule: { frequency: { minutes: 10 }, timeout: 'PT1M' },
      },
      scorecards: { removal: { maxPercent: 80 } },
    });
    expect(config.facts.maxSourcesPerProduct).toBe(5);
    expect(config.facts.cleanupSchedule).toEqual({
      frequency: { minutes: 10 },
      timeout: { minutes: 1 },
    });
    expect(config.removal.maxPercent).toBe(80);
  });

  it('bounds the rules of each product: 500 ms per evaluation, 50 policies per domain by default', () => {
    expect(read({}).ruleBounds).toEqual({
      productTimeoutMs: 500,
      maxPoliciesPerDomain: 50,
    });
    expect(
      read({
        scorecards: { productTimeout: { seconds: 2 } },
        governance: { maxPoliciesPerDomain: 10 },
      }).ruleBounds,
    ).toEqual({ productTimeoutMs: 2000, maxPoliciesPerDomain: 10 });
    expect(
      read({ scorecards: { productTimeout: 'PT0.25S' } }).ruleBounds
        .productTimeoutMs,
    ).toBe(250);
  });

  it.each([
    [
      { scorecards: { productTimeout: { seconds: 0 } } },
      'dataMesh.scorecards.productTimeout: must be a duration above 0',
    ],
    [
      { governance: { maxPoliciesPerDomain: 0 } },
      'dataMesh.governance.maxPoliciesPerDomain: must be a whole number, at least 1',
    ],
    [
      { facts: { retention: { days: 0 } } },
      'dataMesh.facts.retention: must be a duration above 0',
    ],
    [
      { facts: { retention: 'forever' } },
      /^Invalid duration 'forever' in config at 'dataMesh.facts.retention'/,
    ],
    [
      { facts: { maxSourcesPerProduct: 0 } },
      'dataMesh.facts.maxSourcesPerProduct: must be a whole number, at least 1',
    ],
    [
      { facts: { maxSourcesPerProduct: 2.5 } },
      'dataMesh.facts.maxSourcesPerProduct: must be a whole number, at least 1',
    ],
    [
      { scorecards: { removal: { maxPercent: 150 } } },
      'dataMesh.scorecards.removal.maxPercent: must be a percentage from 0 to 100',
    ],
    [
      { scorecards: { removal: { retention: { days: -1 } } } },
      'dataMesh.scorecards.removal.retention: must be a duration above 0',
    ],
  ])('refuses a bad setting, naming it: %j', (dataMesh, message) => {
    expect(() => read(dataMesh as JsonObject)).toThrow(message);
  });
});
