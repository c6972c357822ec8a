import { ConfigReader } from '@backstage/config';
import { readServersConfig } from './readServersConfig';

const read = (servers: unknown) =>
  readServersConfig(new ConfigReader({ dataMesh: { servers } } as any));

describe('readServersConfig', () => {
  it('reads no servers when the block is absent', () => {
    expect(readServersConfig(new ConfigReader({})).size).toBe(0);
  });

  it('reads postgres and duckdb servers with their defaults', () => {
    const servers = read({
      warehouse: {
        type: 'postgres',
        host: 'db',
        database: 'sales',
        user: 'reader',
        password: 'secret',
        statementTimeout: { seconds: 5 },
      },
      lake: {
        type: 'duckdb',
        path: '/data/lake.duckdb',
        statementTimeout: 'PT1M',
      },
      files: {
        type: 'duckdb',
        dataDirectory: '/data/files',
        statementTimeout: 2500,
      },
    });
    expect(Object.fromEntries(servers)).toEqual({
      warehouse: {
        type: 'postgres',
        host: 'db',
        port: 5432,
        database: 'sales',
        user: 'reader',
        password: 'secret',
        maxConnections: undefined,
        statementTimeout: 5000,
      },
      lake: {
        type: 'duckdb',
        path: '/data/lake.duckdb',
        dataDirectory: undefined,
        statementTimeout: 60000,
      },
      files: {
        type: 'duckdb',
        path: undefined,
        dataDirectory: '/data/files',
        statementTimeout: 2500,
      },
    });
  });

  it.each([
    [
      { x: { host: 'h' } },
      'Invalid config dataMesh.servers.x.type: must be postgres or duckdb, got nothing',
    ],
    [
      { x: { type: 'mysql' } },
      'Invalid config dataMesh.servers.x.type: must be postgres or duckdb, got "mysql"',
    ],
    [
      { x: { type: 'postgres', database: 'd', user: 'u' } },
      'Invalid config dataMesh.servers.x.host: missing, it must be set',
    ],
    [
      {
        x: {
          type: 'postgres',
          host: 'h',
          database: 'd',
          user: 'u',
          port: 70000,
        },
      },
      'Invalid config dataMesh.servers.x.port: must be a whole number from 1 to 65535, got 70000',
    ],
    [
      {
        x: {
          type: 'postgres',
          host: 'h',
          database: 'd',
          user: 'u',
          port: 'five',
        },
      },
      /Invalid config dataMesh\.servers\.x\.port: .*number/,
    ],
    [
      {
        x: {
          type: 'postgres',
          host: 'h',
          database: 'd',
          user: 'u',
          maxConnections: 0,
        },
      },
      'Invalid config dataMesh.servers.x.maxConnections: must be a whole number from 1 to 100, got 0',
    ],
    [
      { x: { type: 'duckdb' } },
      'Invalid config dataMesh.servers.x: a duckdb server needs a database file (path) or a folder of files (dataDirectory)',
    ],
    [
      { x: { type: 'duckdb', path: 'p', statementTimeout: 'soon' } },
      /Invalid config dataMesh\.servers\.x\.statementTimeout: /,
    ],
    [
      { x: { type: 'duckdb', path: 'p', statementTimeout: -1 } },
      'Invalid config dataMesh.servers.x.statementTimeout: must be a whole number from 1 to 86400000, got -1',
    ],
    [
      { 'bad id!': { type: 'duckdb', path: 'p' } },
      /Invalid config dataMesh\.servers\.bad id!: a server id is/,
    ],
    [{ x: 'postgres' }, /Invalid config dataMesh\.servers\.x: /],
  ])('names the field of bad config %j', (servers, message) => {
    expect(() => read(servers)).toThrow(message);
  });
});
