import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { JsonObject } from '@backstage/types';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import {
  dataMeshFactProvidersExtensionPoint,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import { Knex } from 'knex';
import net from 'net';
import request from 'supertest';
import { dataMeshPlugin } from '../plugin';
import { checkResponsesAgainstSpec } from './openApiResponses';

/** A line logged by a test backend. */
export interface LogLine {
  instance: string;
  plugin: string;
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  error?: unknown;
}

/** A logger service that records every line of a backend, tagged with its instance name. */
function recordingLogger(instance: string, lines: LogLine[]) {
  const make = (plugin: string): LoggerService => {
    const log =
      (level: LogLine['level']) => (message: string, meta?: unknown) => {
        lines.push({
          instance,
          plugin,
          level,
          message: String(message),
          ...(meta instanceof Error ? { error: meta } : {}),
        });
      };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: () => make(plugin),
    };
  };
  return createServiceFactory({
    service: coreServices.logger,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => make(plugin.getId()),
  });
}

/** A backend module registering fact providers with the data mesh backend. */
export function factProvidersModule(...providers: FactProvider[]) {
  return createBackendModule({
    pluginId: 'data-mesh',
    moduleId: 'test-fact-providers',
    register(reg) {
      reg.registerInit({
        deps: { factProviders: dataMeshFactProvidersExtensionPoint },
        async init({ factProviders }) {
          factProviders.addFactProvider(...providers);
        },
      });
    },
  });
}

/**
 * `backend.database` of a PostgreSQL database that TestDatabases created: every plugin of the
 * backend (catalog, data mesh, and the scheduler's tables of each) gets its own schema in it,
 * as with `pluginDivisionMode: schema` in production. `port` replaces the server's port (for
 * a proxy in front of it).
 */
export function postgresDatabaseConfig(
  knex: Knex,
  options?: { port?: number },
): JsonObject {
  const connection = knex.client.config.connection as Knex.PgConnectionConfig;
  return {
    client: 'pg',
    connection: {
      host: connection.host ?? '127.0.0.1',
      port: options?.port ?? connection.port ?? 5432,
      user: connection.user ?? 'postgres',
      ...(connection.password ? { password: String(connection.password) } : {}),
      database: connection.database!,
    },
    pluginDivisionMode: 'schema',
  };
}

export const productName = (i: number) => `p${String(i).padStart(2, '0')}`;
export const productRef = (i: number) =>
  `dataproduct:default/${productName(i)}`;

/** The products of the test catalog: a Group, a data mesh Domain and `count` products. */
export function catalogYaml(count: number): string {
  const products = Array.from(
    { length: count },
    (_, i) => `---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata: { name: ${productName(i)} }
spec:
  owner: sales-data
  domain: sales
  status: active
  purpose: Product ${i} of the test mesh, documented well enough.
  personalData: ${i % 2 === 0}
  classification: ${i % 4 === 0 ? 'public' : 'confidential'}
`,
  );
  return `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sales-data }
spec: { type: team, children: [] }
---
apiVersion: datamesh-portal.io/v1alpha1
kind: Domain
metadata: { name: sales }
spec: { owner: sales-data }
${products.join('')}`;
}

/**
 * The data mesh config of the tests: one check on pushed `ci` facts, one policy, the
 * scheduled pass on the given schedule, and the mock service as the sales domain's pipeline.
 */
export function dataMeshConfig(schedule: JsonObject): JsonObject {
  return {
    scorecards: {
      levels: ['bronze', 'silver'],
      defaultChecks: false,
      schedule,
      checks: [
        {
          id: 'has-purpose',
          title: 'Purpose is documented',
          level: 'bronze',
          rule: 'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
        },
        {
          id: 'tests-pass',
          title: 'Contract tests pass',
          level: 'silver',
          weight: 3,
          appliesTo: 'has(facts.ci)',
          rule: 'facts.ci.testsFailed == 0',
        },
      ],
    },
    governance: {
      defaultPolicies: false,
      policies: [
        {
          id: 'personal-data-restricted',
          appliesTo: 'entity.spec.personalData',
          rule: "entity.spec.classification in ['confidential', 'restricted']",
        },
      ],
      waivers: {
        schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
      },
    },
    facts: { pipelines: mockServicePipelines('sales') },
  };
}

export type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;

/**
 * A backend as in production: the catalog (with the data mesh kinds) and the data mesh
 * backend, on the given database, with the real database service and the real scheduler
 * (whose tasks are locked in the database, so that they run once across instances). A
 * response of the data mesh API that breaks its OpenAPI spec fails the test that caused it.
 */
export async function startDataMeshBackend(options: {
  instance: string;
  database: JsonObject;
  catalogFile: string;
  dataMesh: JsonObject;
  lines: LogLine[];
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<TestBackend> {
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleDataMesh,
      dataMeshPlugin,
      schedulerServiceFactory,
      mockServices.database.factory(),
      recordingLogger(options.instance, options.lines),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: options.database },
          catalog: {
            rules: [{ allow: ['DataProduct', 'Domain', 'Group', 'Location'] }],
            locations: [{ type: 'file', target: options.catalogFile }],
          },
          dataMesh: options.dataMesh,
        },
      }),
      ...(options.features ?? []),
    ],
  });
  checkResponsesAgainstSpec(backend.server);
  return backend;
}

/** Polls `probe` until it returns something other than undefined or false. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Waits until the catalog of `backend` has processed every product, with relations. */
export async function waitForProducts(backend: TestBackend, count: number) {
  await waitFor(`${count} processed products`, async () => {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({ filter: 'kind=dataproduct', limit: 1000 })
      .set('Authorization', mockCredentials.user.header());
    return (
      res.status === 200 &&
      res.body.items.length === count &&
      res.body.items.every((e: any) => e.relations?.length > 0)
    );
  });
}

export const user = mockCredentials.user.header();
export const service = mockCredentials.service.header();

/**
 * `dataMesh.facts.pipelines` letting the mock service principal (`service`) push facts for the
 * products of `domains`: without a scope, a service may push for none.
 */
export function mockServicePipelines(...domains: string[]): JsonObject[] {
  return [{ subject: mockCredentials.service().principal.subject, domains }];
}

/** The data mesh scheduler's view of one of its tasks on `backend`. */
export async function taskState(backend: TestBackend, id: string) {
  const res = await request(backend.server)
    .get('/api/data-mesh/.backstage/scheduler/v1/tasks')
    .set('Authorization', service);
  if (res.status !== 200) {
    throw new Error(`Scheduler tasks: ${res.status} ${res.text}`);
  }
  return (res.body.tasks as any[]).find(task => task.taskId === id);
}

/** Asks the scheduler of `backend` to run a task now (on whichever instance claims it). */
export async function triggerTask(backend: TestBackend, id: string) {
  const res = await request(backend.server)
    .post(`/api/data-mesh/.backstage/scheduler/v1/tasks/${id}/trigger`)
    .set('Authorization', service);
  if (res.status !== 200) {
    throw new Error(`Trigger ${id}: ${res.status} ${res.text}`);
  }
}

/**
 * A TCP proxy in front of PostgreSQL: `cut()` drops every connection through it and refuses
 * new ones (the database "goes away" for the backend behind it), `restore()` lets them in
 * again.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private up = true;
  private readonly server: net.Server;

  private constructor(target: { host: string; port: number }) {
    this.server = net.createServer(client => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = net.connect(target.port, target.host);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
  }

  static async start(target: {
    host: string;
    port: number;
  }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>(resolve =>
      proxy.server.listen(0, '127.0.0.1', resolve),
    );
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Drops every open connection and refuses new ones until restored. */
  cut() {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore() {
    this.up = true;
  }

  async stop() {
    this.cut();
    await new Promise(resolve => this.server.close(resolve));
  }
}
