import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);

describe.each(databases.eachSupportedId())(
  'removing the results of products gone from the catalog on %p',
  databaseId => {
    it('keeps results saved after the pass began, even of products it did not read', async () => {
      const store = await DatabaseScorecardStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const result = (name: string, minutes: number) => ({
        entityRef: `dataproduct:default/${name}`,
        score: 50,
        level: null,
        checks: [],
        compliant: true,
        policyResults: [],
        evaluatedAt: at(minutes),
      });
      // `gone` left the catalog; `new` entered it after the pass read it and was evaluated
      // on a fact push while the pass ran (started at minute 10).
      await store.saveScorecards([result('kept', 1), result('gone', 1)]);
      await store.saveScorecards([result('new', 11)]);

      const removed = await store.deleteScorecardsExcept(
        ['dataproduct:default/kept'],
        { evaluatedBefore: at(10) },
      );
      expect(removed).toEqual(['dataproduct:default/gone']);
      expect(
        [
          ...(
            await store.getScorecards([
              'dataproduct:default/kept',
              'dataproduct:default/gone',
              'dataproduct:default/new',
            ])
          ).keys(),
        ].sort(),
      ).toEqual(['dataproduct:default/kept', 'dataproduct:default/new']);
      expect(
        await store.getScorecardHistory('dataproduct:default/new'),
      ).toHaveLength(1);

      // Without a start, as before: everything not listed goes.
      expect(
        await store.deleteScorecardsExcept(['dataproduct:default/kept']),
      ).toEqual(['dataproduct:default/new']);
    });
  },
);
