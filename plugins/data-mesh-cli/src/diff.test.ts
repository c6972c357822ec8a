import { validateOdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { PACKAGE_DIR, REPO_ROOT, run } from './__testUtils__';

jest.setTimeout(60_000);

/** A small valid contract; `changes` are merged into it. */
function contract(changes: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'orders-contract',
    version: '1.0.0',
    status: 'active',
    schema: [
      {
        name: 'orders',
        properties: [
          {
            name: 'order_id',
            logicalType: 'string',
            physicalType: 'varchar(36)',
            required: true,
          },
          { name: 'amount', logicalType: 'number' },
        ],
      },
    ],
    ...changes,
  };
}

/** `contract()` with other properties of `orders`. */
function withProperties(version: string, properties: object[]) {
  return contract({
    version,
    schema: [{ name: 'orders', properties }],
  });
}

const ORDER_ID = {
  name: 'order_id',
  logicalType: 'string',
  physicalType: 'varchar(36)',
  required: true,
};
const AMOUNT = { name: 'amount', logicalType: 'number' };

let dir: string;

async function write(name: string, document: unknown): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(
    file,
    typeof document === 'string' ? document : YAML.stringify(document),
  );
  return file;
}

/** Every problem is one line starting with `error:`, and nothing looks like a stack trace. */
function expectCleanErrors(stderr: string) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^error: \S/);
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-diff-'));
  validateOdcsContract(contract());
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('data-mesh-check diff', () => {
  it('passes a new minor version that adds a property, with exit code 0', async () => {
    const before = await write('a/old.odcs.yaml', contract());
    const after = await write(
      'a/new.odcs.yaml',
      withProperties('1.1.0', [ORDER_ID, AMOUNT, { name: 'coupon' }]),
    );
    const { code, stdout, stderr } = await run(['diff', before, after]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `${before} (1.0.0) -> ${after} (1.1.0)`,
        '  NON-BREAKING  property-added             schema[orders].properties[coupon]',
        '      Property orders.coupon added',
        '1 change: 1 non-breaking',
        'VERSION OK: the changes need a minor bump; 1.0.0 to 1.1.0 is a minor bump',
        '',
      ].join('\n'),
    );
  });

  it('fails a minor version for a narrowed type, saying which version would do, with exit code 1', async () => {
    const before = await write('b/old.odcs.yaml', contract());
    const after = await write(
      'b/new.odcs.yaml',
      withProperties('1.1.0', [
        { ...ORDER_ID, physicalType: 'varchar(20)' },
        AMOUNT,
      ]),
    );
    const { code, stdout } = await run(['diff', before, after]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      '  BREAKING      type-narrowed              schema[orders].properties[order_id].physicalType\n' +
        '      Property orders.order_id: physicalType "varchar(36)" to "varchar(20)": shorter strings\n',
    );
    expect(stdout).toContain(
      'VERSION TOO LOW: the changes need a major bump; 1.0.0 to 1.1.0 is a minor bump: make the new version 2.0.0 or higher\n',
    );
    const major = await write(
      'b/major.odcs.yaml',
      withProperties('2.0.0', [
        { ...ORDER_ID, physicalType: 'varchar(20)' },
        AMOUNT,
      ]),
    );
    expect((await run(['diff', before, major])).code).toBe(0);
  });

  it('needs a patch for a documentation change, and nothing for a reorder', async () => {
    const before = await write('c/old.odcs.yaml', contract());
    const described = await write(
      'c/described.odcs.yaml',
      withProperties('1.0.0', [
        { ...ORDER_ID, description: 'The order id' },
        AMOUNT,
      ]),
    );
    const described1 = await run(['diff', before, described]);
    expect(described1.code).toBe(1);
    expect(described1.stdout).toContain(
      'VERSION TOO LOW: the changes need a patch bump; 1.0.0 to 1.0.0 is no version bump: make the new version 1.0.1 or higher',
    );
    const reordered = await write(
      'c/reordered.odcs.yaml',
      withProperties('1.0.0', [AMOUNT, ORDER_ID]),
    );
    const { code, stdout } = await run(['diff', before, reordered]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'No changes\nVERSION OK: nothing changed that needs a new version; 1.0.0 to 1.0.0 is no version bump\n',
    );
  });

  it('writes JSON with the bumps and the changes', async () => {
    const before = await write('d/old.odcs.yaml', contract());
    const after = await write(
      'd/new.odcs.yaml',
      withProperties('1.1.0', [{ ...ORDER_ID, required: false }]),
    );
    const { code, stdout, stderr } = await run([
      'diff',
      '--format',
      'json',
      before,
      after,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      required: 'major',
      declared: 'minor',
      covered: false,
      oldVersion: '1.0.0',
      newVersion: '1.1.0',
      changes: [
        {
          rule: 'property-removed',
          severity: 'breaking',
          path: 'schema[orders].properties[amount]',
          message:
            'Property orders.amount removed (a rename without a stable id is a removal)',
        },
        {
          rule: 'property-now-optional',
          severity: 'breaking',
          path: 'schema[orders].properties[order_id].required',
          message:
            'Property orders.order_id: required is now false: nulls may now appear',
        },
      ],
    });
  });

  it('finds no change between an official ODCS example and itself', async () => {
    const example = path.join(
      REPO_ROOT,
      'plugins/data-mesh-common/src/odcs/__fixtures__/examples/all/full-example.odcs.yaml',
    );
    const { code, stdout } = await run([
      'diff',
      '--format',
      'json',
      example,
      example,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      required: 'none',
      declared: 'none',
      changes: [],
    });
  });

  it('shows control characters of a contract, never obeys them', async () => {
    const before = await write('e/old.odcs.yaml', contract());
    const after = await write(
      'e/new.odcs.yaml',
      withProperties('2.0.0', [ORDER_ID, { name: 'amount\u001b[2J' }]),
    );
    const { code, stdout } = await run(['diff', before, after]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('amount\\u001b[2J');
  });

  describe('bad input, with exit code 2', () => {
    it('names a missing file, a directory and an invalid contract, all at once', async () => {
      const invalid = await write(
        'f/invalid.odcs.yaml',
        contract({ status: 42 }),
      );
      const missing = path.join(dir, 'f/missing.odcs.yaml');
      const { code, stdout, stderr } = await run(['diff', missing, invalid]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectCleanErrors(stderr);
      expect(stderr).toContain(`error: ${missing}: no such file or directory`);
      expect(stderr).toContain(`error: ${invalid}: status: must be a string`);
      const directory = await run(['diff', dir, invalid]);
      expect(directory.stderr).toContain(
        `${dir}: is a directory, name contract files`,
      );
    });

    it('names a version that is not semantic, or goes down', async () => {
      const before = await write('g/old.odcs.yaml', contract());
      const short = await write(
        'g/short.odcs.yaml',
        contract({ version: '1.1' }),
      );
      const lower = await write(
        'g/lower.odcs.yaml',
        contract({ version: '0.9.0' }),
      );
      const notSemantic = await run(['diff', before, short]);
      expect(notSemantic.code).toBe(2);
      expect(notSemantic.stderr).toBe(
        `error: ${short}: version: "1.1" is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.2.0\n`,
      );
      const down = await run(['diff', before, lower]);
      expect(down.code).toBe(2);
      expect(down.stderr).toBe(
        `error: ${lower}: version: 0.9.0 is lower than the previous version 1.0.0\n`,
      );
    });

    it('refuses one file, three files, an unknown option and an unknown format', async () => {
      const file = await write('h/a.odcs.yaml', contract());
      for (const args of [
        [file],
        [file, file, file],
        ['--url', 'ftp://localhost:7007', file, file],
        ['--contract', 'api:default/orders', file, file],
        ['--format', 'xml', file, file],
      ]) {
        const { code, stdout, stderr } = await run(['diff', ...args]);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expectCleanErrors(stderr);
      }
      expect((await run(['diff', '--url', 'x', file, file])).stderr).toBe(
        'error: --url: "x" is not a URL such as https://portal.example.com\n',
      );
    });
  });

  describe('--url', () => {
    const TOKEN = 'ci-token';
    const CONSUMERS = [
      {
        entityRef: 'dataproduct:default/billing',
        kind: 'input-port',
        port: 'orders-in',
        owners: ['group:default/finance'],
      },
      {
        entityRef: 'group:default/research',
        kind: 'agreement',
        port: 'orders',
        productRef: 'dataproduct:default/orders',
        agreementId: 'a1',
        contractVersion: '1.0.0',
        owners: ['group:default/research'],
      },
    ];
    let portal: { url: string; received: any[]; close: () => Promise<void> };

    /** A portal knowing api:default/orders-contract with two consumers. */
    beforeAll(async () => {
      const received: any[] = [];
      const server = http.createServer((req, res) => {
        let text = '';
        req.on('data', chunk => (text += chunk));
        req.on('end', () => {
          const body = text ? JSON.parse(text) : undefined;
          received.push({
            method: req.method,
            url: req.url,
            auth: req.headers.authorization,
            body,
          });
          const reply = (status: number, answer: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(answer));
          };
          if (req.headers.authorization !== `Bearer ${TOKEN}`) {
            reply(401, {
              error: { name: 'AuthenticationError', message: 'No token' },
              response: { statusCode: 401 },
            });
          } else if (body?.contractRef !== 'api:default/orders-contract') {
            reply(404, {
              error: {
                name: 'NotFoundError',
                message: `No entity ${body?.contractRef}`,
              },
              response: { statusCode: 404 },
            });
          } else {
            reply(200, {
              contractRef: body.contractRef,
              currentVersion: '1.0.0',
              proposedVersion: body.definition.version,
              required: 'major',
              declared: 'major',
              covered: true,
              breaking: true,
              changes: [],
              consumers: CONSUMERS,
            });
          }
        });
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const { port } = server.address() as AddressInfo;
      portal = {
        url: `http://127.0.0.1:${port}`,
        received,
        close: () => new Promise(resolve => server.close(() => resolve())),
      };
    });

    afterAll(async () => {
      await portal?.close();
    });

    const env = { DATA_MESH_TOKEN: TOKEN };

    it('lists the consumers a breaking change affects, with their owners', async () => {
      const before = await write('u/old.odcs.yaml', contract());
      const after = await write(
        'u/orders-contract.odcs.yaml',
        withProperties('2.0.0', [ORDER_ID]),
      );
      const { code, stdout } = await run(
        ['diff', '--url', portal.url, before, after],
        { env },
      );
      expect(code).toBe(0);
      expect(stdout).toContain(
        [
          'CONSUMERS AFFECTED: 2 consumers of api:default/orders-contract (1.0.0 in the portal) rely on what breaks:',
          '  dataproduct:default/billing (input port orders-in); owners: group:default/finance',
          '  group:default/research (usage agreement on port orders of dataproduct:default/orders, relying on 1.0.0); owners: group:default/research',
        ].join('\n'),
      );
      const request = portal.received[portal.received.length - 1];
      expect(request).toMatchObject({
        method: 'POST',
        url: '/api/data-mesh/contracts/impact',
        auth: `Bearer ${TOKEN}`,
        body: {
          contractRef: 'api:default/orders-contract',
          definition: withProperties('2.0.0', [ORDER_ID]),
        },
      });

      const json = await run(
        ['diff', '--url', portal.url, '--format', 'json', before, after],
        { env },
      );
      expect(JSON.parse(json.stdout).portal).toEqual({
        contractRef: 'api:default/orders-contract',
        found: true,
        currentVersion: '1.0.0',
        consumers: CONSUMERS,
        affected: CONSUMERS,
      });
    });

    it('affects nobody with a non-breaking change, and knows no consumers of a new contract', async () => {
      const before = await write('v/old.odcs.yaml', contract());
      const after = await write(
        'v/renamed.odcs.yaml',
        withProperties('1.1.0', [
          ORDER_ID,
          AMOUNT,
          { name: 'note', logicalType: 'string' },
        ]),
      );
      const nonBreaking = await run(
        [
          'diff',
          '--url',
          portal.url,
          '--contract',
          'api:default/orders-contract',
          before,
          after,
        ],
        { env },
      );
      expect(nonBreaking.code).toBe(0);
      expect(nonBreaking.stdout).toContain(
        'CONSUMERS: none affected; 2 consumers of api:default/orders-contract (1.0.0 in the portal):',
      );
      const unknown = await run(['diff', '--url', portal.url, before, after], {
        env,
      });
      expect(unknown.code).toBe(0);
      expect(unknown.stdout).toContain(
        'CONSUMERS: the portal has no contract api:default/renamed you may read: no consumers known',
      );
    });

    it('fails with exit code 2 when the portal refuses the token or cannot be reached', async () => {
      const file = await write('w/orders-contract.odcs.yaml', contract());
      const refused = await run(['diff', '--url', portal.url, file, file], {
        env: { DATA_MESH_TOKEN: 'wrong' },
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^error: api:default\/orders-contract: http:\/\/127\.0\.0\.1:\d+\/api\/data-mesh\/contracts\/impact answered 401: No token \(is DATA_MESH_TOKEN a token the portal accepts/,
      );
      const unreachable = await run(
        ['diff', '--url', 'http://127.0.0.1:9', file, file],
        { env },
      );
      expect(unreachable.code).toBe(2);
      expectCleanErrors(unreachable.stderr);
      expect(unreachable.stderr).toMatch(/cannot reach the portal/);
    });
  });

  it('prints its usage', async () => {
    const { code, stdout } = await run(['diff', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Usage: data-mesh-check diff \[options\] <old.odcs.yaml> <new.odcs.yaml>/,
    );
    expect((await run(['--help'])).stdout).toContain('  diff [options]');
  });
});

describe('the CI workflow of the New data product template', () => {
  const exec = promisify(execFile);
  const WORKFLOW = path.join(
    REPO_ROOT,
    'examples/templates/new-data-product/skeleton/.github/workflows/data-product.yaml',
  );
  const BIN = path.join(PACKAGE_DIR, 'bin/data-mesh-check');

  /** The step's script, with this repository's `data-mesh-check` for the published one. */
  async function versionScript(): Promise<string> {
    const workflow = YAML.parse(await fs.readFile(WORKFLOW, 'utf8'));
    const step = workflow.jobs['contract-versions'].steps.find(
      (s: { run?: string }) => s.run?.includes('data-mesh-check diff'),
    );
    const published =
      'npx --yes --package @datamesh-portal/data-mesh-cli data-mesh-check';
    expect(step.run).toContain(published);
    return step.run.replace(published, `node ${JSON.stringify(BIN)}`);
  }

  async function git(repo: string, ...args: string[]) {
    await exec(
      'git',
      ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args],
      {
        cwd: repo,
      },
    );
  }

  /** Runs the step's script in the repository, as CI would. */
  async function runStep(repo: string, script: string) {
    try {
      // As GitHub Actions runs a step's script.
      const { stdout } = await exec('bash', ['-eo', 'pipefail', '-c', script], {
        cwd: repo,
      });
      return { code: 0, stdout };
    } catch (error) {
      const { code, stdout } = error as { code: number; stdout: string };
      return { code, stdout };
    }
  }

  it('checks each contract against its previous commit, skipping new ones', async () => {
    const script = await versionScript();
    const repo = await fs.mkdtemp(path.join(dir, 'repo-'));
    const put = async (name: string, document: object) =>
      fs
        .mkdir(path.join(repo, 'contracts'), { recursive: true })
        .then(() =>
          fs.writeFile(
            path.join(repo, 'contracts', name),
            YAML.stringify(document),
          ),
        );
    await git(repo, 'init', '--quiet');

    // The first commit: nothing to compare with.
    await put('orders.odcs.yaml', contract());
    await git(repo, 'add', '.');
    await git(repo, 'commit', '--quiet', '-m', 'first');
    const first = await runStep(repo, script);
    expect(first).toEqual({
      code: 0,
      stdout: 'contracts/orders.odcs.yaml: no previous version to compare\n',
    });

    // A breaking change under a minor version, and a new contract.
    await put('orders.odcs.yaml', withProperties('1.1.0', [ORDER_ID]));
    await put('payments.odcs.yaml', contract({ id: 'payments' }));
    await git(repo, 'add', '.');
    await git(repo, 'commit', '--quiet', '-m', 'second');
    const second = await runStep(repo, script);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('property-removed');
    expect(second.stdout).toContain(
      'VERSION TOO LOW: the changes need a major bump',
    );
    expect(second.stdout).toContain(
      'contracts/payments.odcs.yaml: no previous version to compare',
    );

    // The version raised: covered.
    await put('orders.odcs.yaml', withProperties('2.0.0', [ORDER_ID]));
    await git(repo, 'commit', '--quiet', '-am', 'third');
    const third = await runStep(repo, script);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(
      'VERSION OK: nothing changed that needs a new version',
    );
    // Each run starts the command through the TypeScript transform: seconds each.
  }, 180_000);
});
