import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { ReadableProducts } from './readableProducts';
import { ScorecardService } from './ScorecardService';

jest.setTimeout(60_000);

const PRODUCT = 'dataproduct:default/orders';
const entities: Entity[] = [
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', namespace: 'default' },
    spec: { owner: 'team-a', domain: 'sales', status: 'active' },
    relations: [],
  },
];

describe.each(TestDatabases.create().eachSupportedId())(
  "a product's latest scorecard without the catalog, on %p",
  id => {
    const databases = TestDatabases.create({ ids: [id] });

    async function setup(result: AuthorizeResult) {
      const stores = await createDataMeshStores({
        database: mockServices.database({ knex: await databases.init(id) }),
      });
      const catalog = catalogServiceMock({ entities });
      const config = readDataMeshBackendConfig(new ConfigReader({}));
      await new EvaluationService({
        config,
        catalog,
        auth: mockServices.auth(),
        stores,
        logger: mockServices.logger.mock(),
      }).evaluateAndSave(entities);
      const permissions = mockServices.permissions.mock();
      permissions.authorizeConditional.mockImplementation(async requests =>
        requests.map(() =>
          result === AuthorizeResult.CONDITIONAL
            ? {
                result,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  rule: 'IS_ENTITY_KIND',
                  resourceType: 'catalog-entity',
                  params: { kinds: ['DataProduct'] },
                },
              }
            : ({ result } as { result: AuthorizeResult.ALLOW }),
        ),
      );
      const scorecards = new ScorecardService({
        catalog,
        readable: new ReadableProducts({
          permissions,
          catalog,
          productIndex: stores.productIndex,
        }),
        scorecards: stores.scorecards,
        rules: config.rules,
      });
      return { scorecards, stores };
    }

    it('is read from the store for a caller who may read every entity, until the product leaves it', async () => {
      const { scorecards, stores } = await setup(AuthorizeResult.ALLOW);
      const read = () =>
        scorecards.latestForReadsAll(PRODUCT, mockCredentials.user());
      expect(await read()).toMatchObject({ entityRef: PRODUCT });
      await stores.scorecards.removeScorecards([PRODUCT], {
        at: new Date(),
      });
      expect(await read()).toBeUndefined();
    });

    it.each([AuthorizeResult.CONDITIONAL, AuthorizeResult.DENY])(
      'is left to the catalog under a %s decision',
      async result => {
        const { scorecards } = await setup(result);
        expect(
          await scorecards.latestForReadsAll(PRODUCT, mockCredentials.user()),
        ).toBeUndefined();
      },
    );
  },
);
