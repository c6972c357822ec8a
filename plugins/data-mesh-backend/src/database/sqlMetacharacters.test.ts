import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ProductIndexEntry } from './ProductIndexStore';
import { ScorecardToSave } from './ScorecardStore';
import { createDataMeshStores, DataMeshStores } from './stores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

/*
 * Nothing a caller supplies is concatenated into SQL: entity refs, fact sources, search text
 * and filter values holding SQL metacharacters are stored and found as the very strings they
 * are, on SQLite and PostgreSQL.
 */

const at = new Date('2026-01-01T00:00:00.000Z');
// Each holds one or more of ' " ; -- % _ \
const NAMES = [
  "o'brien",
  'say-"hi"',
  'drop;table',
  'a--comment',
  '100%',
  'snake_case',
  'back\\slash',
  "x' or '1'='1",
  'plain',
];
const ref = (name: string) => `dataproduct:default/${name}`;

function result(name: string, i: number): ScorecardToSave {
  return {
    entityRef: ref(name),
    domainRef: `domain:default/${name}`,
    ownerRef: `group:default/${name}`,
    score: i * 10,
    level: null,
    checks: [],
    compliant: true,
    policyResults: [],
    evaluatedAt: at,
  };
}

function indexEntry(name: string): ProductIndexEntry {
  return {
    entityRef: ref(name),
    name,
    status: name,
    type: name,
    classification: name,
    personalData: false,
    searchText: `${name}\nproduct`,
  };
}

describe.each(databases.eachSupportedId())(
  'SQL metacharacters in stored values on %p',
  databaseId => {
    let knex: Knex;
    let stores: DataMeshStores;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      await stores.scorecards.saveScorecards(NAMES.map(result));
      await stores.productIndex.saveProducts(NAMES.map(indexEntry));
      for (const name of NAMES) {
        await stores.facts.addFacts({
          entityRef: ref(name),
          source: name,
          facts: { value: name },
          observedAt: at,
        });
      }
    });

    afterAll(async () => {
      await knex.destroy();
    });

    const page = { limit: 100, offset: 0 };

    it.each(NAMES)('finds %p by its ref, and only it', async name => {
      const scorecards = await stores.scorecards.getScorecards([ref(name)]);
      expect([...scorecards.keys()]).toEqual([ref(name)]);
      expect((await stores.scorecards.getScorecard(ref(name)))?.entityRef).toBe(
        ref(name),
      );
      const { items } = await stores.productIndex.queryProducts({
        ...page,
        entityRefs: [ref(name)],
      });
      expect(items.map(i => i.entityRef)).toEqual([ref(name)]);
    });

    it.each(NAMES)('stores facts of source %p as they are', async name => {
      const latest = await stores.facts.getLatestFacts([ref(name)]);
      expect([...latest.keys()]).toEqual([ref(name)]);
      const sources = latest.get(ref(name))!;
      expect([...sources.keys()]).toEqual([name]);
      expect(sources.get(name)!.facts).toEqual({ value: name });
      const history = await stores.facts.getFactHistory(ref(name), name);
      expect(history.map(h => h.facts)).toEqual([{ value: name }]);
    });

    it.each(NAMES)(
      'searches for %p literally: % and _ are no wildcards, quotes end nothing',
      async name => {
        const { items, totalCount } = await stores.productIndex.queryProducts({
          ...page,
          text: name,
        });
        // "x' or '1'='1" holds "1'='1" only; no other name holds another.
        expect(items.map(i => i.name)).toEqual([name]);
        expect(totalCount).toBe(1);
      },
    );

    it.each(['%', '_', "'", '"', ';', '--', '\\'])(
      'finds exactly the names holding %p',
      async fragment => {
        const { items } = await stores.productIndex.queryProducts({
          ...page,
          text: fragment,
        });
        expect(items.map(i => i.name).sort()).toEqual(
          NAMES.filter(n => n.includes(fragment)).sort(),
        );
      },
    );

    it.each(NAMES)('filters on the value %p exactly', async name => {
      const found = async (query: object) =>
        (
          await stores.productIndex.queryProducts({ ...page, ...query })
        ).items.map(i => i.name);
      expect(await found({ statuses: [name] })).toEqual([name]);
      expect(await found({ types: [name] })).toEqual([name]);
      expect(await found({ classifications: [name] })).toEqual([name]);
      expect(await found({ domainRefs: [`domain:default/${name}`] })).toEqual([
        name,
      ]);
      expect(await found({ ownerRefs: [`group:default/${name}`] })).toEqual([
        name,
      ]);
      expect(await found({ levels: [name] })).toEqual([]);
    });

    it('rolls up a domain and an owner with metacharacters in their refs', async () => {
      const domain = await stores.scorecards.getRollup(
        'domain',
        "domain:default/o'brien",
      );
      expect(domain.products).toBe(1);
      expect(domain.worst.map(w => w.entityRef)).toEqual([ref("o'brien")]);
      const owner = await stores.scorecards.getRollup(
        'owner',
        'group:default/100%',
      );
      expect(owner.worst.map(w => w.entityRef)).toEqual([ref('100%')]);
    });

    it('leaves every table intact', async () => {
      const { totalCount } = await stores.productIndex.queryProducts(page);
      expect(totalCount).toBe(NAMES.length);
    });
  },
);
