import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { GovernanceNotifier } from './GovernanceNotifier';

jest.setTimeout(60_000);

function product(name: string, owner: string, personalData = true): Entity {
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default' },
    spec: { owner, status: 'active', personalData, classification: 'internal' },
    relations: [],
  };
}

const teamA = Array.from({ length: 12 }, (_, i) =>
  product(`a-${String(i).padStart(2, '0')}`, 'team-a'),
);
const entities = [
  ...teamA,
  product('b-only', 'team-b'),
  product('b-fine', 'team-b', false),
];

const config = readDataMeshBackendConfig(
  new ConfigReader({
    dataMesh: {
      scorecards: { defaultChecks: false },
      governance: {
        defaultPolicies: false,
        policies: [
          {
            id: 'personal-data-protected',
            appliesTo: 'entity.spec.personalData',
            rule: "entity.spec.classification in ['confidential', 'restricted']",
          },
        ],
      },
    },
  }),
);

type Sent = Parameters<NotificationService['send']>[0];

describe.each(TestDatabases.create().eachSupportedId())(
  'owners told of non-compliant products, on %p',
  id => {
    const databases = TestDatabases.create({ ids: [id] });

    async function setup(catalog = catalogServiceMock({ entities })) {
      const knex = await databases.init(id);
      const stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      const sent: Sent[] = [];
      const evaluations = new EvaluationService({
        config,
        catalog,
        auth: mockServices.auth(),
        stores,
        logger: mockServices.logger.mock(),
        notifier: new GovernanceNotifier(
          { send: async notification => void sent.push(notification) },
          mockServices.logger.mock(),
        ),
      });
      return { evaluations, sent };
    }

    it('a pass sends one notification per owner, however many of its products it breaches', async () => {
      const { evaluations, sent } = await setup();
      await evaluations.evaluateAll();
      expect(sent).toHaveLength(2);
      const [a, b] = [...sent].sort((x, y) =>
        x.payload.title.localeCompare(y.payload.title),
      );
      // Many products: a summary to the team, linking to its non-compliant products.
      expect(a.recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/team-a',
      });
      expect(a.payload).toMatchObject({
        title: '12 data products of team-a are not compliant',
        link: '/data-mesh/explorer?owner=group%3Adefault%2Fteam-a&compliant=false',
        scope: 'data-mesh-compliance:group:default/team-a',
        severity: 'high',
      });
      expect(a.payload.description).toBe(
        'a-00, a-01, a-02, a-03, a-04, a-05, a-06, a-07, a-08, a-09 and 2 more. Blocking ' +
          "governance policies: personal-data-protected. Open each product's governance " +
          'card for what to fix, or request a waiver.',
      );
      // One product: about the product itself, to its owners.
      expect(b.recipients).toEqual({
        type: 'entity',
        entityRef: 'dataproduct:default/b-only',
      });
      expect(b.payload).toMatchObject({
        title: 'b-only is not compliant',
        link: '/catalog/default/dataproduct/b-only',
      });

      // Nothing changed: nobody is told again.
      await evaluations.evaluateAll();
      expect(sent).toHaveLength(2);
    });

    it('a pass that fails after saving pages still tells the owners of what it saved', async () => {
      // Two pages of products (a pass reads 1,000 at a time); the catalog fails on the second.
      const many = Array.from({ length: 1001 }, (_, i) =>
        product(`c-${String(i).padStart(4, '0')}`, 'team-c'),
      );
      const catalog = catalogServiceMock({ entities: many });
      const firstPage = catalog.queryEntities.bind(catalog);
      catalog.queryEntities = async (request, options) => {
        if (request && 'cursor' in request) {
          throw new Error('The catalog went away');
        }
        return firstPage(request, options);
      };
      const { evaluations, sent } = await setup(catalog);
      await expect(evaluations.evaluateAll()).rejects.toThrow(
        'The catalog went away',
      );
      // The next pass will not see these products change again: this is their one notice.
      expect(sent.map(s => s.payload.title)).toEqual([
        '1000 data products of team-c are not compliant',
      ]);
    });

    it('a product evaluated on its own tells its owners at once', async () => {
      const { evaluations, sent } = await setup();
      await evaluations.evaluateAndSave([teamA[0]]);
      expect(sent.map(s => s.payload.title)).toEqual(['a-00 is not compliant']);
    });
  },
);
