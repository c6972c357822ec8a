import { createMockDirectory } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  catalogYaml,
  dataMeshConfig,
  LogLine,
  postgresDatabaseConfig,
  startDataMeshBackend,
  taskState,
  TcpProxy,
  TestBackend,
  triggerTask,
  waitFor,
  waitForProducts,
} from '../__testUtils__/backends';
import { postgresOnly } from '../__testUtils__/postgresOnly';

jest.setTimeout(240_000);

// The database server goes away under a running backend: PostgreSQL only.
const databases = postgresOnly();
const PRODUCTS = 12;
const PASS = 'data-mesh-evaluate-all';

describe.each(databases.eachSupportedId())(
  'the database goes away during a pass, on %p',
  databaseId => {
    const dir = createMockDirectory();
    const lines: LogLine[] = [];
    let knex: Knex;
    let proxy: TcpProxy;
    let backend: TestBackend;
    const table = (name: string) => knex.withSchema('data-mesh').table(name);
    const passes = () =>
      lines.filter(
        l => l.plugin === 'data-mesh' && /^Evaluated \d+/.test(l.message),
      );
    /** Everything the store holds about the products' results. */
    const results = async () => ({
      scorecards: await table('scorecards').orderBy('entity_ref').select(),
      history: await table('scorecard_history').orderBy('id').select(),
      index: await table('product_index').orderBy('entity_ref').select(),
    });
    const waiters = async () => {
      const [{ n }] = await knex('pg_locks')
        .whereRaw('relation = ?::regclass', ['"data-mesh".scorecards'])
        .where('granted', false)
        .count({ n: '*' });
      return Number(n);
    };
    /** Ends every session of the backend's data mesh plugin on the server. */
    const terminateSessions = () =>
      knex.raw(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and application_name = 'backstage_plugin_data-mesh'`,
      );

    /**
     * Starts a pass and holds it inside its save (behind a table lock), runs `fault`, then lets
     * go of the lock.
     */
    async function faultDuringSave(fault: () => Promise<void>) {
      const lock = await knex.transaction();
      try {
        await lock.raw('lock table "data-mesh".scorecards in exclusive mode');
        await triggerTask(backend, PASS);
        await waitFor('the pass to reach its save', async () =>
          (await waiters()) === 1 ? true : undefined,
        );
        await fault();
      } finally {
        await lock.rollback();
      }
    }

    beforeAll(async () => {
      dir.setContent({ 'catalog-info.yaml': catalogYaml(PRODUCTS) });
      knex = await databases.init(databaseId);
      const { connection } = postgresDatabaseConfig(knex) as any;
      proxy = await TcpProxy.start(connection);
      // The scheduler frees runs that outlived their timeout with a janitor, which it starts
      // only outside tests; this test is about that production behaviour.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      backend = await startDataMeshBackend({
        instance: 'f',
        database: postgresDatabaseConfig(knex, { port: proxy.port }),
        catalogFile: dir.resolve('catalog-info.yaml'),
        dataMesh: dataMeshConfig({
          frequency: { trigger: 'manual' },
          timeout: { seconds: 10 },
        }),
        lines,
      }).finally(() => {
        process.env.NODE_ENV = nodeEnv;
      });
      await waitForProducts(backend, PRODUCTS);
      await triggerTask(backend, PASS);
      await waitFor('the first pass', () => passes().length === 1);
      await waitFor('the first pass to be released', async () => {
        const state = (await taskState(backend, PASS)).taskState;
        return state.status === 'idle';
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await proxy?.stop();
    });

    it('fails the pass cleanly when its connections are terminated, and the next one completes', async () => {
      const before = await results();
      expect(before.scorecards).toHaveLength(PRODUCTS);
      const errorsBefore = lines.length;

      await faultDuringSave(async () => {
        await terminateSessions();
      });
      // The pass fails on its terminated connection and says so.
      await waitFor('the pass to fail', () =>
        lines
          .slice(errorsBefore)
          .find(
            l =>
              l.level === 'error' &&
              l.plugin === 'data-mesh' &&
              /terminat/i.test(l.message),
          ),
      );
      expect(passes()).toHaveLength(1);
      // Nothing of the failed pass is visible, nothing was removed.
      expect(await results()).toEqual(before);

      // The scheduler releases the run through a connection of the same plugin, which the fault
      // may have ended as well (CI runs lost it so): the run is then released only when its
      // timeout has passed and the scheduler's janitor frees it, and until then a trigger
      // answers 409.
      await waitFor(
        'the failed run to be released',
        async () => {
          try {
            await triggerTask(backend, PASS);
            return true;
          } catch (error) {
            if (/: 409 /.test(String(error))) return undefined;
            throw error;
          }
        },
        150_000,
      );
      await waitFor('the next pass', () => passes().length === 2);
      const after = await results();
      expect(after.scorecards.map(s => s.entity_ref)).toEqual(
        before.scorecards.map(s => s.entity_ref),
      );
      after.scorecards.forEach((row, i) => {
        expect(new Date(row.evaluated_at).getTime()).toBeGreaterThan(
          new Date(before.scorecards[i].evaluated_at).getTime(),
        );
        expect(row.score).toEqual(before.scorecards[i].score);
      });
    });

    it('fails the pass cleanly when the server is unreachable, serves 503 meanwhile, and passes again once it is back', async () => {
      await waitFor('the pass to be idle', async () => {
        const state = (await taskState(backend, PASS)).taskState;
        return state.status === 'idle';
      });
      const before = await results();
      const count = passes().length;
      const failures = () =>
        lines.filter(l => l.level === 'error' && l.plugin === 'data-mesh')
          .length;
      const failuresBefore = failures();

      await faultDuringSave(async () => {
        proxy.cut();
        await terminateSessions();
        await waitFor('the pass to fail', () => failures() > failuresBefore);
      });
      const health = await request(backend.server).get('/api/data-mesh/health');
      expect(health.status).toBe(503);
      expect(await results()).toEqual(before);
      expect(passes()).toHaveLength(count);

      proxy.restore();
      // The scheduler could not release the failed run while the server was away: its
      // janitor (every minute) frees it once its timeout has passed, and the pending run
      // starts again.
      await waitFor(
        'a pass after the outage',
        () => passes().length === count + 1,
        150_000,
      );
      const healthy = await request(backend.server).get(
        '/api/data-mesh/health',
      );
      expect(healthy.status).toBe(200);
      const after = await results();
      expect(after.scorecards).toHaveLength(PRODUCTS);
      after.scorecards.forEach((row, i) => {
        expect(new Date(row.evaluated_at).getTime()).toBeGreaterThan(
          new Date(before.scorecards[i].evaluated_at).getTime(),
        );
      });
    });
  },
);
