/*
 * The scale benchmark's backend (benchBackend.ts) in a process of its own, run by plain Node as
 * `yarn start` runs a backend (TypeScript through backstage-cli's node transform): what its
 * requests are measured against while the scheduled contract-test run runs, so that neither
 * jest's vm context nor the benchmark's own load generator shares its event loop.
 *
 * Started by childBackend.ts with an IPC channel. Input: the environment variable
 * BENCH_BACKEND, JSON of childBackend.ts's ChildBackendInput. Messages: it sends
 * `{ ready: port }`; it answers each request `{ id, trigger | cancel | query | stop }` with
 * `{ id, result }` or `{ id, error }`.
 */
import { startTestBackend } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { AddressInfo } from 'net';
import { BenchDeps, benchBackendFeatures, probe } from './benchBackend';
import type { ChildBackendInput, ChildRequest } from './childBackend';

async function main() {
  const input: ChildBackendInput = JSON.parse(process.env.BENCH_BACKEND!);
  const knexes: Record<string, Knex> = {
    catalog: knexFactory({ client: 'pg', connection: input.catalog }),
    'data-mesh':
      input.store.client === 'pg'
        ? knexFactory({ client: 'pg', connection: input.store.connection })
        : knexFactory({
            client: 'better-sqlite3',
            connection: ':memory:',
            useNullAsDefault: true,
          }),
  };
  const deps: BenchDeps = {};
  const backend = await startTestBackend({
    features: [
      ...benchBackendFeatures({ knexes, servers: input.servers }),
      probe(deps),
    ],
  });
  const handle = async (request: ChildRequest): Promise<unknown> => {
    if ('trigger' in request) {
      const start = performance.now();
      await deps.scheduler!.triggerTask(request.trigger);
      return performance.now() - start;
    }
    if ('cancel' in request) {
      return deps.scheduler!.cancelTask(request.cancel);
    }
    if ('query' in request) {
      const knex = await deps.database!.getClient();
      return knex.raw(request.query).then(result =>
        // better-sqlite3 answers rows, pg an object holding them.
        Array.isArray(result) ? result : result.rows,
      );
    }
    await backend.stop();
    await Promise.all(Object.values(knexes).map(knex => knex.destroy()));
    setImmediate(() => process.exit(0));
    return undefined;
  };
  process.on('message', (request: ChildRequest) => {
    handle(request).then(
      result => process.send!({ id: request.id, result }),
      error => process.send!({ id: request.id, error: String(error?.stack) }),
    );
  });
  process.send!({
    ready: (backend.server.address() as AddressInfo).port,
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
