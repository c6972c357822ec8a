import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'path';
import { DataServers } from './DataServers';

jest.setTimeout(30_000);

const directory = createMockDirectory();

/** Writes a DuckDB file whose table t holds the given values. */
async function writeDatabase(path: string, values: number[]) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run('CREATE OR REPLACE TABLE t (v INTEGER)');
    await connection.run(
      `INSERT INTO t VALUES ${values.map(v => `(${v})`).join(', ')}`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('DataServers', () => {
  let servers: DataServers;
  const logger = mockServices.logger.mock();

  afterEach(async () => {
    await servers?.close();
    directory.clear();
  });

  const open = (path: string) =>
    new DataServers(new Map([['warehouse', { type: 'duckdb', path }]]), {
      logger,
    });
  const sum = async () =>
    (await servers.get('warehouse')!.query('SELECT sum(v) AS s FROM t', []))[0]
      .s;

  it('knows only the configured servers, and opens none before a query', async () => {
    const path = join(directory.path, 'never.duckdb');
    servers = open(path);
    expect(servers.get('elsewhere')).toBeUndefined();
    expect(servers.get('warehouse')).toEqual(
      expect.objectContaining({ id: 'warehouse', dialect: 'duckdb' }),
    );
    // Not opened: a file that is not there is no error yet.
    await servers.close();
  });

  it('fails the queries of a server that cannot be opened, and opens it once it can', async () => {
    const path = join(directory.path, 'later.duckdb');
    servers = open(path);
    await expect(sum()).rejects.toThrow('warehouse');
    await writeDatabase(path, [1, 2]);
    expect(await sum()).toBe(3);
  });

  it('opens a DuckDB file again when a pipeline wrote to it', async () => {
    const path = join(directory.path, 'warehouse.duckdb');
    await writeDatabase(path, [1, 2]);
    servers = open(path);
    expect(await sum()).toBe(3);
    await writeDatabase(path, [10, 20]);
    expect(await sum()).toBe(30);
    expect(await servers.get('warehouse')!.columns(undefined, 't')).toEqual([
      expect.objectContaining({ name: 'v' }),
    ]);
  });

  it('refuses queries once closed', async () => {
    const path = join(directory.path, 'closed.duckdb');
    await writeDatabase(path, [1]);
    servers = open(path);
    expect(await sum()).toBe(1);
    await servers.close();
    await expect(sum()).rejects.toThrow(
      'Data server warehouse is closed: the backend is shutting down',
    );
  });
});
