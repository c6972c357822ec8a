import {
  openDataServer,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { validateOdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NOW, run } from '../__testUtils__';
import {
  createDuckDbFile,
  createPostgresSchema,
  ordersContract,
  POSTGRES,
  writeYaml,
} from '../__testUtils__/contractTests';

jest.setTimeout(60_000);

/** Every problem is one line starting with `error:`, and nothing looks like a stack trace. */
function expectCleanErrors(stderr: string) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^error: \S/);
  expect(stderr).not.toMatch(/\n\s+at /);
}

type JsonOutput = {
  contracts: Array<{
    id: string;
    version: string;
    server: string;
    file: string;
    summary: Record<string, number>;
    checks: Array<Record<string, unknown>>;
  }>;
};

let dir: string;
let duckdbFile: string;
let postgres: Awaited<ReturnType<typeof createPostgresSchema>>;
let config: string;
/** Contracts on DuckDB and PostgreSQL: `ok` passes, `strict` breaks on the missing emails. */
const files: Record<string, string> = {};

const lake = () => ({ server: 'lake', type: 'duckdb', database: duckdbFile });
const pg = () => ({
  server: 'pg',
  type: 'postgres',
  host: POSTGRES.host,
  port: POSTGRES.port,
  database: POSTGRES.database,
  schema: postgres.schema,
});

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-test-'));
  duckdbFile = await createDuckDbFile(dir);
  postgres = await createPostgresSchema();
  // The PostgreSQL connection is read from the environment, as app-config reads it.
  config = await writeYaml(dir, 'app-config.yaml', {
    dataMesh: {
      servers: {
        lake: { type: 'duckdb', path: duckdbFile },
        pg: {
          type: 'postgres',
          host: '${TEST_PG_HOST}',
          port: POSTGRES.port,
          database: POSTGRES.database,
          user: POSTGRES.user,
        },
      },
    },
  });
  files.duckOk = await writeYaml(
    dir,
    'duck-ok.odcs.yaml',
    ordersContract('orders-duck', [lake()]),
  );
  files.duckStrict = await writeYaml(
    dir,
    'duck-strict.odcs.yaml',
    ordersContract('orders-duck-strict', [lake()], { strict: true }),
  );
  files.pgOk = await writeYaml(
    dir,
    'pg-ok.odcs.yaml',
    ordersContract('orders-pg', [pg()]),
  );
  files.pgStrict = await writeYaml(
    dir,
    'pg-strict.odcs.yaml',
    ordersContract('orders-pg-strict', [pg()], { strict: true }),
  );
});

afterAll(async () => {
  await postgres?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

const env = { TEST_PG_HOST: POSTGRES.host };

function runTest(
  args: string[],
  options: { env?: Record<string, string> } = {},
) {
  return run(['test', '--config', config, ...args], { env, ...options });
}

describe('data-mesh-check test', () => {
  describe.each([
    ['DuckDB', 'duckOk', 'duckStrict', 'lake'],
    ['PostgreSQL', 'pgOk', 'pgStrict', 'pg'],
  ])('on %s', (_name, ok, strict, server) => {
    it('exits 0 when every check passes, with a table of the checks', async () => {
      const { code, stdout, stderr } = await runTest([files[ok]]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(
        new RegExp(
          `^orders-(duck|pg) 1\\.0\\.0  PASSED  server ${server}  \\(`,
        ),
      );
      expect(stdout).toMatch(
        /OUTCOME\s+CHECKED\s+METRIC\s+MEASURED\s+EXPECTED/,
      );
      expect(stdout).toMatch(/pass\s+orders\.order_id\s+required/);
      expect(stdout).toMatch(/pass\s+orders\s+rowCount\s+5\s/);
      expect(stdout).toContain('1 contract tested: 1 passed, 0 failed');
    });

    it('exits 1 when a check fails, and says what was measured against what was expected', async () => {
      const { code, stdout } = await runTest([
        '--format',
        'json',
        files[ok],
        files[strict],
      ]);
      expect(code).toBe(1);
      const output: JsonOutput = JSON.parse(stdout);
      expect(
        output.contracts.map(c => [c.server, c.summary.failed > 0]),
      ).toEqual([
        [server, false],
        [server, true],
      ]);
      const failed = output.contracts[1].checks.filter(
        c => c.outcome === 'fail',
      );
      expect(failed).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            object: 'orders',
            property: 'customer_email',
            metric: 'nullValues',
            measured: 2,
          }),
        ]),
      );
      for (const check of failed) {
        expect(check.expected).toBeDefined();
        expect(check.message).toEqual(expect.any(String));
      }
    });
  });

  it('tests each contract on the first of its servers the config has, as the portal does', async () => {
    const file = await writeYaml(
      dir,
      'documented-first.odcs.yaml',
      ordersContract('orders-documented', [
        // Documents a warehouse the config does not have.
        {
          ...pg(),
          server: 'northwind-warehouse',
          host: 'dw.northwind.example',
        },
        // Configured, but as a DuckDB server: it cannot read a PostgreSQL entry.
        { ...pg(), server: 'lake' },
        pg(),
      ]),
    );
    const { code, stdout, stderr } = await runTest(['--format', 'json', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [tested] = (JSON.parse(stdout) as JsonOutput).contracts;
    expect(tested.server).toBe('pg');
  });

  it('lists failures first in the text table', async () => {
    const { code, stdout } = await runTest([files.duckStrict]);
    expect(code).toBe(1);
    const rows = stdout.split('\n').slice(2, 5);
    expect(rows[0]).toMatch(
      /^ {2}FAIL\s+orders\.customer_email\s+required\s+2\s+/,
    );
    expect(rows[1]).toMatch(/^ {2}FAIL\s+orders\.customer_email\s+nullValues/);
    expect(rows[2]).toMatch(/^ {2}pass\s/);
    expect(stdout).toMatch(/ 2 failed, 0 errors, 0 skipped\n/);
  });

  it('prints JSON of the contracts, their server and every check', async () => {
    const { code, stdout } = await runTest(['--format', 'json', files.duckOk]);
    expect(code).toBe(0);
    const output: JsonOutput = JSON.parse(stdout);
    expect(output.contracts).toHaveLength(1);
    const [contract] = output.contracts;
    expect(contract).toMatchObject({
      id: 'orders-duck',
      version: '1.0.0',
      server: 'lake',
      file: files.duckOk,
      summary: { failed: 0, errors: 0 },
    });
    expect(contract.checks.length).toBe(
      contract.summary.passed + contract.summary.skipped,
    );
    for (const check of contract.checks) {
      expect(check).toEqual(
        expect.objectContaining({
          object: expect.any(String),
          metric: expect.any(String),
          outcome: expect.stringMatching(/^(pass|skipped)$/),
        }),
      );
    }
  });

  it('gives the outcomes of the portal engine for the same contract and data', async () => {
    const { stdout } = await runTest(['--format', 'json', files.pgStrict]);
    const [fromCli] = (JSON.parse(stdout) as JsonOutput).contracts;
    const server = await openDataServer('pg', {
      type: 'postgres',
      ...POSTGRES,
    });
    try {
      const contract = validateOdcsContract(
        ordersContract('orders-pg-strict', [pg()], { strict: true }),
      );
      const fromEngine = await testContract(contract, {
        servers: new Map([['pg', server]]),
        now: NOW,
      });
      expect(fromCli.checks).toEqual(
        JSON.parse(JSON.stringify(fromEngine.checks)),
      );
      expect(fromCli.summary).toEqual(fromEngine.summary);
    } finally {
      await server.close();
    }
  });

  it('writes well-formed JUnit XML: a testsuite per contract, a testcase per check', async () => {
    const { code, stdout } = await runTest([
      '--format',
      'junit',
      files.duckOk,
      files.pgStrict,
    ]);
    expect(code).toBe(1);
    expect(XMLValidator.validate(stdout)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: name => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(stdout);
    const json: JsonOutput = JSON.parse(
      (await runTest(['--format', 'json', files.duckOk, files.pgStrict]))
        .stdout,
    );
    const suites = parsed.testsuites.testsuite;
    expect(suites.map((s: any) => s.name)).toEqual([
      'orders-duck 1.0.0',
      'orders-pg-strict 1.0.0',
    ]);
    suites.forEach((suite: any, index: number) => {
      const contract = json.contracts[index];
      expect(suite.testcase).toHaveLength(contract.checks.length);
      expect(Number(suite.tests)).toBe(contract.checks.length);
      expect(Number(suite.failures)).toBe(contract.summary.failed);
      expect(suite.properties.property).toEqual(
        expect.arrayContaining([{ name: 'server', value: contract.server }]),
      );
      const failures = suite.testcase.filter((c: any) => c.failure);
      expect(failures).toHaveLength(contract.summary.failed);
    });
    const nullEmails = suites[1].testcase.find(
      (c: any) =>
        c.name ===
        'orders.customer_email nullValues (Every order has an email to confirm it to)',
    );
    expect(nullEmails.failure['#text']).toContain('measured: 2');
  });

  it('escapes names from the contract and the data in JUnit and keeps control characters out of the terminal', async () => {
    const odd = 'note<&>\'" ]]>';
    const file = await writeYaml(
      dir,
      'odd.odcs.yaml',
      ordersContract('orders-<odd>&"', [lake()], {
        extraProperties: [
          {
            name: odd,
            logicalType: 'string',
            required: true,
            description: 'one note is missing',
          },
          { name: 'missing\u001b[31m', logicalType: 'string' },
        ],
      }),
    );
    const junit = await runTest(['--format', 'junit', file]);
    expect(junit.code).toBe(1);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: name => ['testsuite', 'testcase'].includes(name),
    }).parse(junit.stdout);
    const [suite] = parsed.testsuites.testsuite;
    expect(suite.name).toBe('orders-<odd>&" 1.0.0');
    expect(
      suite.testcase.some((c: any) => c.name.startsWith(`orders.${odd} `)),
    ).toBe(true);
    expect(junit.stdout).not.toContain('\u001b');

    const text = await runTest([file]);
    expect(text.code).toBe(1);
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).toContain('missing\\u001b[31m');
  });

  describe('exits 2 on bad input, naming it', () => {
    it('a server that is not configured', async () => {
      const file = await writeYaml(
        dir,
        'elsewhere.odcs.yaml',
        ordersContract('orders-elsewhere', [
          { server: 'warehouse-eu', type: 'duckdb', database: 'eu.duckdb' },
        ]),
      );
      const { code, stdout, stderr } = await runTest([file]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectCleanErrors(stderr);
      expect(stderr).toContain(
        `${file}: server "warehouse-eu" is not in dataMesh.servers of the config (configured: lake, pg)`,
      );
    });

    it('a --server the contract does not name', async () => {
      const { code, stderr } = await runTest([
        '--server',
        'nowhere',
        files.duckOk,
      ]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toContain(
        `--server "nowhere": the contract has no such server (its servers: lake)`,
      );
    });

    it('a server out of reach, without its password', async () => {
      const unreachable = await writeYaml(dir, 'unreachable.yaml', {
        dataMesh: {
          servers: {
            pg: {
              type: 'postgres',
              host: '127.0.0.1',
              port: 1,
              database: 'postgres',
              user: 'postgres',
              password: 'do-not-print-me',
            },
          },
        },
      });
      const { code, stdout, stderr } = await run([
        'test',
        '--config',
        unreachable,
        files.pgOk,
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectCleanErrors(stderr);
      expect(stderr).toMatch(
        /^error: Cannot reach server pg \(127\.0\.0\.1:1\/postgres\): .*ECONNREFUSED/m,
      );
      expect(stderr).not.toContain('do-not-print-me');
    });

    it('a DuckDB file that does not exist', async () => {
      const missing = await writeYaml(dir, 'missing-db.yaml', {
        dataMesh: {
          servers: {
            lake: { type: 'duckdb', path: path.join(dir, 'nope.duckdb') },
          },
        },
      });
      const { code, stderr } = await run([
        'test',
        '--config',
        missing,
        files.duckOk,
      ]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toMatch(
        /^error: Cannot open the DuckDB database of server lake: .*nope\.duckdb/m,
      );
    });

    it('a contract that is not valid ODCS, with the file and field', async () => {
      const contract = ordersContract('orders-bad', [lake()]);
      (contract.schema[0].properties[0] as any).logicalType = 'strin';
      const file = await writeYaml(dir, 'invalid.odcs.yaml', contract);
      const { code, stderr } = await runTest([file, files.duckOk]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toMatch(
        new RegExp(
          `^error: ${file.replace(
            /[.*+?^${}()|[\]\\]/g,
            '\\$&',
          )}: schema\\[0\\]\\.properties\\[0\\]\\.logicalType: must be one of .*"strin"`,
          'm',
        ),
      );
    });

    it('bad dataMesh.servers config, naming the key', async () => {
      const bad = await writeYaml(dir, 'bad-servers.yaml', {
        dataMesh: { servers: { lake: { type: 'oracle' } } },
      });
      const { code, stderr } = await run([
        'test',
        '--config',
        bad,
        files.duckOk,
      ]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toContain(
        'dataMesh.servers.lake.type: must be postgres or duckdb',
      );
    });

    it('hostile paths: missing, a directory, a device, a huge file, a name with escapes', async () => {
      const huge = path.join(dir, 'huge.odcs.yaml');
      await fs.writeFile(huge, Buffer.alloc(3 * 1024 * 1024, 'a'));
      const device = path.join(dir, 'device.odcs.yaml');
      await fs.symlink('/dev/zero', device);
      const escaped = path.join(dir, 'evil\u001b[2J.yaml');
      const { code, stdout, stderr } = await runTest([
        path.join(dir, 'absent.odcs.yaml'),
        dir,
        device,
        huge,
        escaped,
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectCleanErrors(stderr);
      expect(stderr).toContain('absent.odcs.yaml: no such file or directory');
      expect(stderr).toContain(`${dir}: is a directory, name contract files`);
      expect(stderr).toContain(`${device}: is not a regular file`);
      expect(stderr).toMatch(
        /huge\.odcs\.yaml: is 3145728 bytes, more than the 2097152/,
      );
      expect(stderr).toContain(
        'evil\\u001b[2J.yaml: no such file or directory',
      );
      expect(stderr).not.toContain('\u001b');
    });

    it('YAML that is not a contract', async () => {
      const file = path.join(dir, 'list.yaml');
      await fs.writeFile(file, '- a\n- b\n');
      const broken = path.join(dir, 'broken.yaml');
      await fs.writeFile(broken, 'id: [unclosed\n');
      const { code, stderr } = await runTest([file, broken]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toContain(`${file}: The contract must be an object`);
      expect(stderr).toMatch(
        /broken\.yaml: The contract is not valid YAML: line \d+/,
      );
    });

    it('options: no config, no contract, an unknown format or option', async () => {
      const cases: Array<[string[], string]> = [
        [['test', files.duckOk], '--config: name the app-config file'],
        [['test', '--config', config], 'no contract given'],
        [
          ['test', '--config', config, '--format', 'xml', files.duckOk],
          '--format: "xml" is not text, json or junit',
        ],
        [['test', '--verbose', files.duckOk], "Unknown option '--verbose'"],
      ];
      for (const [args, message] of cases) {
        const { code, stderr } = await run(args, { env });
        expect(code).toBe(2);
        expectCleanErrors(stderr);
        expect(stderr).toContain(message);
      }
    });
  });

  it('prints its help with exit code 0', async () => {
    const { code, stdout } = await run(['test', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Usage: data-mesh-check test \[options\] <contract\.odcs\.yaml \.\.\.>/,
    );
    expect(stdout).toContain('--format text|json|junit');
  });
});
