import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDirectory } from './client';
import { ProductIndexEntry, ProductQuery } from './ProductIndexStore';
import { ScorecardToSave } from './ScorecardStore';
import { DataMeshStores, createDataMeshStores } from './stores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const ref = (name: string) => `dataproduct:default/${name}`;

/** A product's result and, unless `index` is null, its explorer fields. */
type Evaluated = ScorecardToSave & { index?: ProductIndexEntry };

function product(
  name: string,
  score: number,
  extra: Partial<ScorecardToSave> & {
    index?: Partial<ProductIndexEntry>;
  } = {},
): Evaluated {
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
      entityRef: ref(name),
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
  'DatabaseProductIndexStore, the product explorer index, on %p',
  databaseId => {
    let knex: Knex;
    let stores: DataMeshStores;
    const names = async (query: Partial<ProductQuery>) =>
      (
        await stores.productIndex.queryProducts({ ...page, ...query })
      ).items.map(i => i.name);

    /**
     * Saves results and the index rows of those not ignored in one transaction, as the
     * evaluation service does.
     */
    async function save(results: Evaluated[]) {
      await stores.transaction(async transaction => {
        const { ignored } = await stores.scorecards.saveScorecards(results, {
          transaction,
        });
        await stores.productIndex.saveProducts(
          results.flatMap(r =>
            r.index && !ignored.includes(r.entityRef) ? [r.index] : [],
          ),
          { transaction },
        );
      });
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      await save([
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
      const result = await stores.productIndex.queryProducts(page);
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
      const second = await stores.productIndex.queryProducts({
        sort: '-score',
        limit: 1,
        offset: 1,
      });
      expect(second).toEqual({
        items: [expect.objectContaining({ name: 'patient-records' })],
        totalCount: 3,
      });
      expect(
        await stores.productIndex.queryProducts({ limit: 10, offset: 3 }),
      ).toEqual({
        items: [],
        totalCount: 3,
      });
    });

    it('shows only the visible products', async () => {
      expect(
        await stores.productIndex.queryProducts({
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
      expect(
        await stores.productIndex.queryProducts({ ...page, entityRefs: [] }),
      ).toEqual({
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
      const result = await stores.productIndex.queryProducts({
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
        await stores.productIndex.queryProducts({
          ...page,
          text: 'cohort',
          entityRefs: visible,
        }),
      ).toEqual({ items: [], totalCount: 0 });
    });

    it('replaces the index with each result, hides removed products and deletes them when purged', async () => {
      await save([
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
      const all = await stores.productIndex.queryProducts(page);
      const rows = async () => {
        const [{ n }] = await knex('product_index').count({ n: '*' });
        return Number(n);
      };
      expect(await rows()).toBe(all.totalCount);

      // Removed (gone from the catalog): hidden, by any query, but kept.
      const { missing } = await stores.scorecards.findScorecardsExcept([
        ref('billing'),
      ]);
      await stores.scorecards.removeScorecards(missing, { at: at(10) });
      const billingOnly = {
        items: [expect.objectContaining({ name: 'billing', score: 20 })],
        totalCount: 1,
      };
      expect(await stores.productIndex.queryProducts(page)).toEqual(
        billingOnly,
      );
      expect(
        await stores.productIndex.queryProducts({
          ...page,
          entityRefs: [...missing, ref('billing')],
        }),
      ).toEqual(billingOnly);
      expect(await rows()).toBe(all.totalCount);

      // Purged: the index rows go with the results.
      await stores.transaction(async transaction => {
        const purged = await stores.scorecards.purgeRemovedScorecards(at(11), {
          transaction,
        });
        expect(purged.sort()).toEqual([...missing].sort());
        await stores.productIndex.deleteProducts(purged, { transaction });
      });
      expect(await stores.productIndex.queryProducts(page)).toEqual(
        billingOnly,
      );
      expect(await rows()).toBe(1);
    });

    /** Billing as the evaluation in beforeEach indexed it. */
    const billing: ProductIndexEntry = {
      entityRef: 'DataProduct:default/Billing',
      name: 'billing',
      status: 'draft',
      type: 'source-aligned',
      classification: 'internal',
      personalData: false,
      searchText: 'Billing\nInvoices',
    };

    it('writes only the rows that changed, the last entry of a product winning', async () => {
      const { productIndex } = stores;
      // As the evaluation before saved it: nothing is written again.
      expect(await productIndex.saveProducts([billing])).toEqual({
        written: 0,
      });
      expect(
        await productIndex.saveProducts([
          { ...billing, status: 'retired' },
          { ...billing, status: 'active' },
        ]),
      ).toEqual({ written: 1 });
      expect(await names({ statuses: ['active'], text: 'invoices' })).toEqual(
        expect.arrayContaining(['billing']),
      );
      // Unknown personal data is not the same as none.
      expect(
        await productIndex.saveProducts([
          { ...billing, status: 'active', personalData: null },
        ]),
      ).toEqual({ written: 1 });
      expect(await names({ personalData: [false] })).toEqual(['cohort-study']);

      await productIndex.deleteProducts(['DataProduct:default/Billing']);
      expect(await names({})).toEqual(['cohort-study', 'patient-records']);
      await productIndex.deleteProducts([]);
    });

    it("computes and writes a product's search rows only when their version changes", async () => {
      const searchOf = (version: string, tag: string) => ({
        version,
        rows: jest.fn(() => [{ key: `metadata.tags.${tag}`, value: 'true' }]),
      });
      const tagged = (tag: string) =>
        names({ readable: { key: `metadata.tags.${tag}` } });
      const { productIndex } = stores;

      const first = searchOf('a', 'pii');
      await productIndex.saveProducts([{ ...billing, search: first }]);
      expect(first.rows).toHaveBeenCalledTimes(1);
      expect(await tagged('pii')).toEqual(['billing']);

      // The same version: the rows are neither computed nor written again.
      const same = searchOf('a', 'finance');
      expect(
        await productIndex.saveProducts([{ ...billing, search: same }]),
      ).toEqual({ written: 0 });
      expect(same.rows).not.toHaveBeenCalled();
      expect(await tagged('pii')).toEqual(['billing']);

      const next = searchOf('b', 'finance');
      await productIndex.saveProducts([{ ...billing, search: next }]);
      expect(next.rows).toHaveBeenCalledTimes(1);
      expect(await tagged('pii')).toEqual([]);
      expect(await tagged('finance')).toEqual(['billing']);
    });

    it('undoes its migration alone, keeping the scorecards', async () => {
      const directory = migrationsDirectory;
      // The later migrations first, one at a time.
      let undone: string[];
      do {
        [, undone] = await knex.migrate.down({ directory });
      } while (undone[0] !== '20261125030000_product_index.js');
      expect(await knex.schema.hasTable('product_index')).toBe(false);
      // Read as rows: the store needs the latest schema.
      expect(
        await knex('scorecards').where('entity_ref', ref('billing')).first(),
      ).toEqual(expect.objectContaining({ score: 95 }));
      await knex.migrate.latest({ directory });
      expect(await stores.productIndex.queryProducts(page)).toEqual({
        items: [],
        totalCount: 0,
      });
    });
  },
);
