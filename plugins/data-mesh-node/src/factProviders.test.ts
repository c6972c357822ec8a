import { assertValidFactProvider, FactProvider } from './factProviders';

const provider: FactProvider = {
  source: 'warehouse',
  schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
  collect: async () => [],
};

describe('assertValidFactProvider', () => {
  it('accepts a well-formed provider', () => {
    expect(() => assertValidFactProvider(provider)).not.toThrow();
  });

  it('refuses a source rules could not read, naming it', () => {
    expect(() =>
      assertValidFactProvider({ ...provider, source: 'dbt-tests' }),
    ).toThrow('Fact provider source "dbt-tests" is not an identifier');
  });

  it('refuses a provider without schedule or collect', () => {
    expect(() =>
      assertValidFactProvider({ ...provider, schedule: undefined as any }),
    ).toThrow('Fact provider "warehouse": schedule is required');
    expect(() =>
      assertValidFactProvider({ ...provider, collect: 'nope' as any }),
    ).toThrow('Fact provider "warehouse": collect must be a function');
  });
});
