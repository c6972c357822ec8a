import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  catalogYaml,
  dataMeshConfig,
  LogLine,
  postgresDatabaseConfig,
  productRef,
  service,
  startDataMeshBackend,
  taskState,
  TestBackend,
  triggerTask,
  user,
  waitFor,
  waitForProducts,
} from '../__testUtils__/backends';
import { postgresOnly } from '../__testUtils__/postgresOnly';

jest.setTimeout(240_000);

// About a shared database server: PostgreSQL only.
const databases = postgresOnly();
const PRODUCTS = 20;
const PASS = 'data-mesh-evaluate-all';
const passLine = /^Evaluated \d+ data products/;
/**
 * Every fourth product of the test mesh holds public personal data: it fails the enforced
 * personal-data-protected policy and is held below the top level whatever its checks earn.
 */
const levelOf = (i: number) => (i % 4 === 0 ? 'bronze' : 'silver');

describe.each(databases.eachSupportedId())(
  'two backends on one %p database',
  databaseId => {
    const dir = createMockDirectory();
    const lines: LogLine[] = [];
    const backends: TestBackend[] = [];
    let knex: Knex;
    let a: TestBackend;
    let b: TestBackend;
    let database: ReturnType<typeof postgresDatabaseConfig>;
    const start = async (instance: string) => {
      const backend = await startDataMeshBackend({
        instance,
        database,
        catalogFile: dir.resolve('catalog-info.yaml'),
        // Passes run when triggered, so that the test knows how many to expect.
        dataMesh: dataMeshConfig({
          frequency: { trigger: 'manual' },
          timeout: { minutes: 3 },
        }),
        lines,
      });
      backends.push(backend);
      return backend;
    };
    const table = (name: string) => knex.withSchema('data-mesh').table(name);
    const passes = () =>
      lines.filter(l => l.plugin === 'data-mesh' && passLine.test(l.message));

    /** Runs a triggered pass to its end and returns how it ended. */
    async function runPass(via: TestBackend) {
      const before = (await taskState(via, PASS)).taskState?.lastRunEndedAt;
      await triggerTask(via, PASS);
      return await waitFor('the pass to end', async () => {
        const state = (await taskState(via, PASS)).taskState;
        return state?.status === 'idle' && state.lastRunEndedAt !== before
          ? state
          : undefined;
      });
    }

    beforeAll(async () => {
      dir.setContent({ 'catalog-info.yaml': catalogYaml(PRODUCTS) });
      knex = await databases.init(databaseId);
      database = postgresDatabaseConfig(knex);
      a = await start('a');
      b = await start('b');
      await waitForProducts(a, PRODUCTS);
      await waitForProducts(b, PRODUCTS);
    });

    afterAll(async () => {
      for (const backend of backends) await backend.stop();
    });

    it('runs a scheduled pass on one instance only, while both poll for it', async () => {
      // Holds the pass inside its first save: every writer of scorecards queues behind this
      // lock, so a second pass started by the other instance would queue too.
      const lock = await knex.transaction();
      const waiters = async () => {
        const [{ n }] = await knex('pg_locks')
          .whereRaw('relation = ?::regclass', ['"data-mesh".scorecards'])
          .where('granted', false)
          .count({ n: '*' });
        return Number(n);
      };
      try {
        await lock.raw('lock table "data-mesh".scorecards in exclusive mode');
        await triggerTask(a, PASS);
        await waitFor('the pass to wait for the lock', async () =>
          (await waiters()) === 1 ? true : undefined,
        );
        // Both schedulers poll the task every 5 seconds (manual cadence): hold it for three
        // polls; the other instance must see it claimed and leave it.
        await new Promise(resolve => setTimeout(resolve, 15_000));
        expect(await waiters()).toBe(1);
        expect((await taskState(a, PASS)).taskState.status).toBe('running');
        expect((await taskState(b, PASS)).taskState.status).toBe('running');
      } finally {
        await lock.rollback();
      }
      await waitFor('the held pass to end', async () => {
        const state = (await taskState(b, PASS)).taskState;
        return state.status === 'idle' && state.lastRunEndedAt;
      });
      expect(passes()).toHaveLength(1);
      expect(passes()[0].message).toBe(`Evaluated ${PRODUCTS} data products`);

      // Triggered through either instance, each pass runs once.
      for (const [i, via] of [b, a, b].entries()) {
        const state = await runPass(via);
        expect(state.lastRunError).toBeUndefined();
        expect(passes()).toHaveLength(2 + i);
      }
      const ran = new Set(passes().map(p => p.instance));
      expect([...ran].every(i => ['a', 'b'].includes(i))).toBe(true);
      expect(await table('scorecards').count({ n: '*' })).toEqual([
        { n: String(PRODUCTS) },
      ]);
    });

    it('shows facts pushed to one instance on the other', async () => {
      const ref = productRef(1);
      const pushed = await request(a.server)
        .post('/api/data-mesh/facts')
        .set('Authorization', service)
        .send({ entityRef: ref, source: 'ci', facts: { testsFailed: 2 } });
      expect(pushed.status).toBe(201);
      expect(pushed.body.scorecard).toMatchObject({ score: 25 });

      const onB = await request(b.server)
        .get('/api/data-mesh/scorecards/dataproduct/default/p01')
        .set('Authorization', user);
      expect(onB.status).toBe(200);
      expect(onB.body).toMatchObject({ score: 25, level: 'bronze' });
      expect(onB.body.checks).toContainEqual({
        id: 'tests-pass',
        outcome: 'fail',
      });

      const fixed = await request(b.server)
        .post('/api/data-mesh/facts')
        .set('Authorization', service)
        .send({ entityRef: ref, source: 'ci', facts: { testsFailed: 0 } });
      expect(fixed.status).toBe(201);
      const onA = await request(a.server)
        .get('/api/data-mesh/scorecards/dataproduct/default/p01/history')
        .set('Authorization', user);
      expect(
        onA.body.items.slice(-2).map((i: any) => [i.score, i.level]),
      ).toEqual([
        [25, 'bronze'],
        [100, 'silver'],
      ]);
      const governance = await request(a.server)
        .get('/api/data-mesh/governance/dataproduct/default/p01')
        .set('Authorization', user);
      expect(governance.status).toBe(200);
      expect(governance.body.compliant).toBe(true);
    });

    it('keeps exactly the pushed rows under 200 concurrent pushes split across both', async () => {
      const perProduct = 10;
      const startedAt = new Date();
      // Newer than anything pushed before; the last observation of each product passes.
      const base = Date.now() + 60_000;
      const pushes = Array.from({ length: PRODUCTS * perProduct }, (_, n) => ({
        product: n % PRODUCTS,
        k: Math.floor(n / PRODUCTS),
      }));
      // Interleaved, and the newest observations of half the products go first.
      pushes.sort(
        (x, y) =>
          (x.product % 2 ? y.k - x.k : x.k - y.k) || x.product - y.product,
      );
      const responses = await Promise.all(
        pushes.map(({ product, k }, n) =>
          request((n % 2 ? a : b).server)
            .post('/api/data-mesh/facts')
            .set('Authorization', service)
            .send({
              entityRef: productRef(product),
              source: 'ci',
              facts: { testsFailed: k % 2 ? 0 : 1, k },
              observedAt: new Date(base + k * 1000).toISOString(),
            }),
        ),
      );
      expect(responses.map(r => r.status)).toEqual(pushes.map(() => 201));

      const refs = Array.from({ length: PRODUCTS }, (_, i) => productRef(i));
      const observations = await table('fact_observations')
        .where('source', 'ci')
        .where('observed_at', '>=', new Date(base))
        .select('entity_ref', 'observed_at', 'facts');
      expect(observations).toHaveLength(PRODUCTS * perProduct);
      expect(
        observations
          .map(
            o =>
              `${o.entity_ref} ${new Date(o.observed_at).getTime() - base} ${
                JSON.parse(o.facts).k
              }`,
          )
          .sort(),
      ).toEqual(
        pushes
          .map(({ product, k }) => `${productRef(product)} ${k * 1000} ${k}`)
          .sort(),
      );

      const latest = await table('facts_latest')
        .where('source', 'ci')
        .whereIn('entity_ref', refs)
        .orderBy('entity_ref')
        .select('entity_ref', 'observed_at', 'facts');
      expect(
        latest.map(row => [
          row.entity_ref,
          new Date(row.observed_at).getTime() - base,
          JSON.parse(row.facts),
        ]),
      ).toEqual(
        refs.map(ref => [ref, 9000, { testsFailed: 0, k: perProduct - 1 }]),
      );

      const scorecards = await table('scorecards')
        .orderBy('entity_ref')
        .select('entity_ref', 'score', 'level', 'checks');
      expect(
        scorecards.map(row => [
          row.entity_ref,
          Number(row.score),
          row.level,
          JSON.parse(row.checks).find((c: any) => c.id === 'tests-pass')
            ?.outcome,
        ]),
      ).toEqual(refs.map((ref, i) => [ref, 100, levelOf(i), 'pass']));
      const [{ n: indexed }] = await table('product_index').count({ n: '*' });
      expect(Number(indexed)).toBe(PRODUCTS);

      // History since the pushes began: never twice the same point in a row, and the last one
      // is the latest result. There may be none: when the push that is latest lands first, the
      // others are not re-evaluated and the result can equal the one from before the pushes.
      const history = await table('scorecard_history')
        .where('evaluated_at', '>=', startedAt)
        .orderBy(['entity_ref', 'id'])
        .select('entity_ref', 'score', 'level', 'compliant');
      for (const [i, ref] of refs.entries()) {
        const points = history
          .filter(h => h.entity_ref === ref)
          .map(h => `${Number(h.score)} ${h.level} ${h.compliant}`);
        points.slice(1).forEach((point, previous) => {
          expect(point).not.toBe(points[previous]);
        });
        expect(
          points.slice(-1).every(p => p.startsWith(`100 ${levelOf(i)}`)),
        ).toBe(true);
      }
    });

    it('loses nothing when both backends stop and another starts on the database', async () => {
      const requested = await request(b.server)
        .post('/api/data-mesh/waivers')
        .set('Authorization', user)
        .send({
          entityRef: productRef(0),
          policyId: 'personal-data-restricted',
          reason: 'Public statistics, anonymised upstream',
          expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        });
      expect(requested.status).toBe(201);
      // By another admin: the requester may not approve their own waiver.
      const approved = await request(a.server)
        .post(`/api/data-mesh/waivers/${requested.body.id}/approve`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/governance-admin'),
        )
        .send({ comment: 'ok' });
      expect(approved.status).toBe(200);

      const read = async (backend: TestBackend) => {
        const get = async (path: string) => {
          const res = await request(backend.server)
            .get(`/api/data-mesh${path}`)
            .set('Authorization', user);
          expect(res.status).toBe(200);
          return res.body;
        };
        const products = Array.from(
          { length: PRODUCTS },
          (_, i) => `dataproduct/default/p${String(i).padStart(2, '0')}`,
        );
        return {
          scorecards: await Promise.all(
            products.map(p => get(`/scorecards/${p}`)),
          ),
          history: await Promise.all(
            products.map(p => get(`/scorecards/${p}/history`)),
          ),
          governance: await Promise.all(
            products.map(p => get(`/governance/${p}`)),
          ),
          waivers: await get('/waivers'),
          waiver: await get(`/waivers/${requested.body.id}`),
          rollup: await get('/rollups/domain/default/sales'),
          facts: await table('fact_observations')
            .orderBy('id')
            .select('entity_ref', 'source', 'facts', 'observed_at'),
        };
      };
      const before = await read(a);
      expect(before.waivers.items).toHaveLength(1);
      expect(before.governance[0].compliant).toBe(true);

      for (const backend of backends.splice(0)) await backend.stop();
      const c = await start('c');
      await waitForProducts(c, PRODUCTS);
      expect(await read(c)).toEqual(before);
    });
  },
);
