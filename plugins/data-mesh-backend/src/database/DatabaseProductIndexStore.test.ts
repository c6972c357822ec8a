import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseDataMeshStore } from './DatabaseDataMeshStore';
import {
  ProductIndexFields,
  ProductQuery,
  ScorecardToSave,
} from './DataMeshStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const ref = (name: string) => `dataproduct:default/${name}`;

function product(
  name: string,
  score: number,
  extra: Omit<Partial<ScorecardToSave>, 'index'> & {
    index?: Partial<ProductIndexFields>;
  } = {},
): ScorecardToSave {
  const { index, ...rest } = extra;
  return {
    entityRef: ref(name),
    domainRef: 'domain:default/clinical',
    ownerRef: 'group:default/clinical-data',
    score,
    level: score >= 50 ? 'bronze' : null,
    checks: [],
    compliant: true,
    policyResults: [],
    evaluatedAt: at(0),
    ...rest,
    index: {
      name,
      status: 'active',
      type: 'source-aligned',
      classification: 'internal',
      personalData: false,
      searchText: name,
      ...index,
    },
  };
}

const page = { limit: 25, offset: 0 };

describe.each(databases.eachSupportedId())(
  'the product explorer index on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDataMeshStore;
    const names = async (query: Partial<ProductQuery>) =>
      (await store.queryProducts({ ...page, ...query })).items.map(i => i.name);

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
      });
      await store.saveScorecards([
        product('patient-records', 80, {
          index: {
            title: 'Patient Records',
            personalData: true,
            classification: 'restricted',
            searchText: 'patient-records\nPatient Records\nEHR extract\nehr',
          },
        }),
        product('cohort-study', 40, {
          domainRef: 'domain:default/research',
          ownerRef: 'group:default/research-data',
          compliant: false,
          index: {
            type: 'consumer-aligned',
            searchText: 'cohort-study\npatients_50%_sample',
          },
        }),
        product('billing', 95, {
          level: 'gold',
          index: { status: 'draft', searchText: 'billing\ninvoices' },
        }),
        // A result without index fields is not in the explorer.
        { ...product('legacy', 10), index: undefined },
      ]);
    });

    it('returns every indexed product by name with its fields', async () => {
      const result = await store.queryProducts(page);
      expect(result.totalCount).toBe(3);
      expect(result.items.map(i => i.name)).toEqual([
        'billing',
        'cohort-study',
        'patient-records',
      ]);
      expect(result.items[2]).toEqual({
        entityRef: ref('patient-records'),
        name: 'patient-records',
        title: 'Patient Records',
        domainRef: 'domain:default/clinical',
        ownerRef: 'group:default/clinical-data',
        status: 'active',
        type: 'source-aligned',
        classification: 'restricted',
        personalData: true,
        score: 80,
        level: 'bronze',
        compliant: true,
        evaluatedAt: at(0),
      });
    });

    it('filters on each field, values of one field ORed', async () => {
      expect(await names({ domainRefs: ['Domain:default/Research'] })).toEqual([
        'cohort-study',
      ]);
      expect(
        await names({ ownerRefs: ['group:default/clinical-data'] }),
      ).toEqual(['billing', 'patient-records']);
      expect(await names({ statuses: ['draft'] })).toEqual(['billing']);
      expect(await names({ types: ['consumer-aligned'] })).toEqual([
        'cohort-study',
      ]);
      expect(await names({ classifications: ['restricted'] })).toEqual([
        'patient-records',
      ]);
      expect(await names({ personalData: [true] })).toEqual([
        'patient-records',
      ]);
      expect(await names({ personalData: [false] })).toEqual([
        'billing',
        'cohort-study',
      ]);
      expect(await names({ compliant: [false] })).toEqual(['cohort-study']);
      expect(await names({ levels: ['none'] })).toEqual(['cohort-study']);
      expect(await names({ levels: ['gold', 'none'] })).toEqual([
        'billing',
        'cohort-study',
      ]);
      expect(
        await names({ statuses: ['active'], classifications: ['internal'] }),
      ).toEqual(['cohort-study']);
    });

    it('searches the text case-insensitively, with wildcards taken literally', async () => {
      expect(await names({ text: 'EHR' })).toEqual(['patient-records']);
      expect(await names({ text: 'patient' })).toEqual([
        'cohort-study',
        'patient-records',
      ]);
      expect(await names({ text: '50%_' })).toEqual(['cohort-study']);
      expect(await names({ text: '5_%' })).toEqual([]);
      expect(await names({ text: 'invoices', statuses: ['active'] })).toEqual(
        [],
      );
    });

    it('sorts by score and name both ways and pages', async () => {
      expect(await names({ sort: 'score' })).toEqual([
        'cohort-study',
        'patient-records',
        'billing',
      ]);
      expect(await names({ sort: '-score' })).toEqual([
        'billing',
        'patient-records',
        'cohort-study',
      ]);
      expect(await names({ sort: '-name' })).toEqual([
        'patient-records',
        'cohort-study',
        'billing',
      ]);
      const second = await store.queryProducts({
        sort: '-score',
        limit: 1,
        offset: 1,
      });
      expect(second).toEqual({
        items: [expect.objectContaining({ name: 'patient-records' })],
        totalCount: 3,
      });
      expect(await store.queryProducts({ limit: 10, offset: 3 })).toEqual({
        items: [],
        totalCount: 3,
      });
    });

    it('shows only the visible products', async () => {
      expect(
        await store.queryProducts({
          ...page,
          entityRefs: ['DataProduct:default/Billing', ref('cohort-study')],
        }),
      ).toEqual({
        items: [
          expect.objectContaining({ name: 'billing' }),
          expect.objectContaining({ name: 'cohort-study' }),
        ],
        totalCount: 2,
      });
      expect(await store.queryProducts({ ...page, entityRefs: [] })).toEqual({
        items: [],
        totalCount: 0,
      });
    });

    it('restricts to thousands of visible refs within the parameter limit', async () => {
      // 10,000 readable refs, most without a result: more than one statement may bind.
      const visible = [
        ...Array.from({ length: 10_000 }, (_, i) => ref(`other-${i}`)),
        ref('patient-records'),
        ref('billing'),
      ];
      const result = await store.queryProducts({
        sort: '-score',
        limit: 1,
        offset: 1,
        entityRefs: visible,
      });
      expect(result).toEqual({
        items: [
          expect.objectContaining({ name: 'patient-records', score: 80 }),
        ],
        totalCount: 2,
      });
      expect(
        await store.queryProducts({
          ...page,
          text: 'cohort',
          entityRefs: visible,
        }),
      ).toEqual({ items: [], totalCount: 0 });
    });

    it('replaces the index with each result and deletes it with the result', async () => {
      await store.saveScorecards([
        product('billing', 20, {
          evaluatedAt: at(5),
          index: { status: 'deprecated', searchText: 'billing' },
        }),
        // Older than the stored result: ignored, index included.
        product('cohort-study', 99, {
          evaluatedAt: at(-5),
          index: { status: 'retired' },
        }),
      ]);
      expect(await names({ statuses: ['deprecated'] })).toEqual(['billing']);
      expect(await names({ statuses: ['retired'] })).toEqual([]);
      expect(await names({ text: 'invoices' })).toEqual([]);

      await store.deleteScorecardsExcept([ref('billing')]);
      expect(await store.queryProducts(page)).toEqual({
        items: [expect.objectContaining({ name: 'billing', score: 20 })],
        totalCount: 1,
      });
      expect(await knex('product_index').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      const [{ n }] = await knex('product_index').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('undoes its migration alone, keeping the scorecards', async () => {
      const directory = DatabaseDataMeshStore.migrationsDirectory;
      const [, undone] = await knex.migrate.down({ directory });
      expect(undone).toEqual(['20261125030000_product_index.js']);
      expect(await knex.schema.hasTable('product_index')).toBe(false);
      expect(await store.getScorecard(ref('billing'))).toEqual(
        expect.objectContaining({ score: 95 }),
      );
      await knex.migrate.latest({ directory });
      expect(await store.queryProducts(page)).toEqual({
        items: [],
        totalCount: 0,
      });
    });

    it('reads histories of many products with their state at the start', async () => {
      await store.saveScorecards([
        product('billing', 50, { evaluatedAt: at(10) }),
      ]);
      await store.saveScorecards([
        product('billing', 60, { evaluatedAt: at(20) }),
      ]);
      const histories = await store.getScorecardHistories(
        [ref('billing'), ref('cohort-study'), ref('nothing')],
        at(15),
      );
      expect([...histories.keys()].sort()).toEqual([
        ref('billing'),
        ref('cohort-study'),
      ]);
      expect(histories.get(ref('billing'))!.map(p => p.score)).toEqual([
        50, 60,
      ]);
      expect(histories.get(ref('cohort-study'))!.map(p => p.score)).toEqual([
        40,
      ]);
    });
  },
);
