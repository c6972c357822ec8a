/* Starts backendProcess.ts and talks to it: see there. */
import { ChildProcess, fork } from 'child_process';
import { Knex } from 'knex';
import path from 'path';

export interface ChildBackendInput {
  /** The catalog's PostgreSQL database, which the benchmark's catalog already holds. */
  catalog: Knex.StaticConnectionConfig | string;
  /** Our store: in-memory SQLite, or a PostgreSQL database of its own. */
  store:
    | { client: 'better-sqlite3' }
    | { client: 'pg'; connection: Knex.StaticConnectionConfig | string };
  /** `dataMesh.servers`: see benchDataServerConfig. */
  servers: Record<string, object>;
}

type Request =
  | { trigger: string }
  | { cancel: string }
  | { query: string }
  | { stop: true };

export type ChildRequest = { id: number } & Request;

export interface ChildBackend {
  baseUrl: string;
  /** Runs a scheduled task of the data mesh plugin now; resolves with its milliseconds. */
  trigger(task: string): Promise<number>;
  cancel(task: string): Promise<void>;
  /** Rows of a query on the data mesh plugin's own database. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

export async function startChildBackend(
  input: ChildBackendInput,
): Promise<ChildBackend> {
  const child: ChildProcess = fork(path.join(__dirname, 'backendProcess.ts'), {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of the whole backend process, at its exit.
      ...(process.env.BENCH_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
        : []),
    ],
    env: { ...process.env, BENCH_BACKEND: JSON.stringify(input) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<
    number,
    { resolve: (value: any) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`the benchmark backend exited with ${code}`)),
    );
    child.on('message', (message: any) => {
      if ('ready' in message) resolve(message.ready);
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if ('error' in message) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
    });
  });
  const send = (request: Request) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...request });
    });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    trigger: task => send({ trigger: task }),
    cancel: task => send({ cancel: task }),
    query: sql => send({ query: sql }),
    stop: async () => {
      const exited = new Promise(resolve => child.once('exit', resolve));
      await send({ stop: true });
      await exited;
    },
  };
}
