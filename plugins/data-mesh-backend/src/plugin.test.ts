import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  dataMeshFactProvidersExtensionPoint,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import request from 'supertest';
import { dataMeshPlugin } from './plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

function factProviderModule(moduleId: string, provider: FactProvider) {
  return createBackendModule({
    pluginId: 'data-mesh',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { factProviders: dataMeshFactProvidersExtensionPoint },
        async init({ factProviders }) {
          factProviders.addFactProvider(provider);
        },
      });
    },
  });
}

const warehouse: FactProvider = {
  source: 'warehouse',
  schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
  collect: async () => [],
};

describe.each(databases.eachSupportedId())(
  'data mesh backend on %p',
  databaseId => {
    it('answers GET /health without credentials once its database answers', async () => {
      const knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          dataMeshPlugin,
          mockServices.database.factory({ knex }),
          factProviderModule('warehouse', warehouse),
        ],
      });
      try {
        const res = await request(backend.server).get('/api/data-mesh/health');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok', database: 'ok' });
      } finally {
        await backend.stop();
      }
    });
  },
);

describe('fact provider registration', () => {
  it('refuses to start with two providers of the same source', async () => {
    await expect(
      startTestBackend({
        features: [
          dataMeshPlugin,
          factProviderModule('one', warehouse),
          factProviderModule('two', warehouse),
        ],
      }),
    ).rejects.toThrow('Fact provider source "warehouse" is registered twice');
  });

  it('refuses to start with a provider whose source rules cannot read', async () => {
    await expect(
      startTestBackend({
        features: [
          dataMeshPlugin,
          factProviderModule('bad', { ...warehouse, source: 'dbt-tests' }),
        ],
      }),
    ).rejects.toThrow('Fact provider source "dbt-tests" is not an identifier');
  });
});
