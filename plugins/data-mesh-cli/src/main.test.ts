import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENTITIES, FIXTURES, PACKAGE_DIR, product, run } from './__testUtils__';
import { UNRESOLVED_NOTE } from './format';

jest.setTimeout(30_000);

/** Every problem is one line starting with `error:`, and nothing looks like a stack trace. */
function expectCleanErrors(stderr: string) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^error: \S/);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('data-mesh-check', () => {
  it('passes a compliant product with exit code 0', async () => {
    const { code, stdout, stderr } = await run([
      '--entities',
      ENTITIES,
      product('compliant'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('dataproduct:default/orders  COMPLIANT');
    // Documented, its quality not measured (no facts): silver, saying what to measure.
    expect(stdout).toContain('score 66.7  level silver');
    expect(stdout).not.toMatch(/BLOCKING|WARNING/);
    expect(stdout).toMatch(
      /CHECK\s+contract-tests-measured: Data contract tests measure the data \[gold\]\n\s+fix: Not measured/,
    );
    expect(stdout).toMatch(/\d+ policies passed/);
    expect(stdout).toContain('1 product checked: 1 compliant, 0 not compliant');
    expect(stdout).not.toContain(UNRESOLVED_NOTE);
  });

  it('fails a product holding personal data classified internal, with exit code 1', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      product('personal-internal'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'dataproduct:default/customer-orders  NOT COMPLIANT',
    );
    expect(stdout).toMatch(
      /BLOCKING\s+personal-data-protected: Personal data is confidential or restricted\n\s+fix: Set spec.classification to confidential or restricted/,
    );
  });

  it('lists blocking policies, then warnings, then failing checks', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      '--facts',
      `${FIXTURES}/facts.json`,
      product('personal-internal'),
      product('warning-only'),
    ]);
    expect(code).toBe(1);
    const [personal, warning] = stdout.split(/\n(?=dataproduct:)/);
    expect(personal.indexOf('BLOCKING')).toBeLessThan(
      personal.indexOf('CHECK     contract-tests-passing'),
    );
    expect(warning).toContain('dataproduct:default/orders_archive  COMPLIANT');
    expect(warning.indexOf('WARNING   name-convention')).toBeLessThan(
      warning.indexOf('CHECK     contract-tests-passing'),
    );
    expect(stdout).toContain(
      '2 products checked: 1 compliant, 1 not compliant',
    );
  });

  it('passes a product with warnings only, with exit code 0', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      product('warning-only'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('COMPLIANT');
    expect(stdout).not.toContain('NOT COMPLIANT');
    expect(stdout).toMatch(
      /WARNING\s+name-convention: Name follows the naming convention\n\s+fix: Rename the product/,
    );
  });

  it('reads facts from a file', async () => {
    const { stdout } = await run([
      '--entities',
      ENTITIES,
      '--facts',
      `${FIXTURES}/facts.json`,
      product('compliant'),
    ]);
    expect(stdout).toMatch(
      /CHECK\s+contract-tests-passing: Data contract tests pass \[gold\]/,
    );
    expect(stdout).toContain('level silver');
  });

  it('refuses an invalid descriptor with exit code 2, naming each field', async () => {
    const { code, stdout, stderr } = await run([product('invalid')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectCleanErrors(stderr);
    expect(stderr).toContain(
      `error: ${product(
        'invalid',
      )}: line 2: DataProduct broken-orders: spec.status: must be one of proposed, draft, active, deprecated, retired, got "live"\n`,
    );
    expect(stderr).toContain(
      'line 2: DataProduct broken-orders: spec.owner: is required\n',
    );
  });

  it('prints one line per problem from the list, whatever the values hold, at most 50', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    const descriptor = (lines: string[]) =>
      [
        'apiVersion: datamesh-portal.io/v1alpha1',
        'kind: DataProduct',
        'metadata:',
        '  name: orders',
        'spec:',
        '  owner: group:commerce-data-team',
        '  domain: commerce',
        ...lines,
        '',
      ].join('\n');
    try {
      const tricky = path.join(dir, 'tricky.yaml');
      // A value that reads like another problem stays on its own problem's line.
      const status = 'live; spec.owner: is required';
      await fs.writeFile(
        tricky,
        descriptor([`  status: "${status}"`, '  personalData: "yes"']),
      );
      let { code, stderr } = await run([tricky]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      let where = `error: ${tricky}: line 1: DataProduct orders: `;
      expect(stderr).toBe(
        [
          `${where}spec.status: must be one of proposed, draft, active, deprecated, retired, got "${status}"`,
          `${where}spec.personalData: must be a boolean, got "yes"`,
          '',
        ].join('\n'),
      );

      const flood = path.join(dir, 'flood.yaml');
      await fs.writeFile(
        flood,
        descriptor([
          '  status: active',
          ...Array.from({ length: 2_000 }, (_, i) => `  field${i}: x`),
        ]),
      );
      ({ code, stderr } = await run([flood]));
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      where = `error: ${flood}: line 1: DataProduct orders: `;
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(50);
      expect(lines[0]).toBe(
        `${where}spec.field0: is not a known field (known: owner, domain, status, type, version, purpose, usage, limitations, classification, personalData, inputPorts, outputPorts, slos, support, system, deprecation, odps)`,
      );
      expect(lines[49]).toBe(`${where}and 1951 more problems`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a YAML syntax error with exit code 2, naming the line', async () => {
    // Written here: a broken YAML file in the repository would break prettier.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      const file = path.join(dir, 'catalog-info.yaml');
      await fs.writeFile(
        file,
        [
          'apiVersion: datamesh-portal.io/v1alpha1',
          'kind: DataProduct',
          'metadata:',
          '  name: orders',
          '  tags: [orders, checkout',
          'spec:',
          '  owner: group:commerce-data-team',
          '',
        ].join('\n'),
      );
      const { code, stderr } = await run([file]);
      expect(code).toBe(2);
      expectCleanErrors(stderr);
      expect(stderr).toMatch(
        new RegExp(
          `^error: ${file.replace(
            /[.*+?^${}()|[\]\\]/g,
            '\\$&',
          )}: line [56], column \\d+: \\S`,
        ),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing file with exit code 2, reporting every problem at once', async () => {
    const { code, stderr } = await run([
      '--facts',
      'missing-facts.json',
      'missing.yaml',
      product('no-product'),
    ]);
    expect(code).toBe(2);
    expectCleanErrors(stderr);
    expect(stderr).toContain(
      'error: missing-facts.json: no such file or directory\n',
    );
    expect(stderr).toContain(
      'error: missing.yaml: no such file or directory\n',
    );
    expect(stderr).toContain(
      `error: ${product('no-product')}: no DataProduct in it`,
    );
  });

  it('refuses a bad rule in config with exit code 2, naming the policy and position', async () => {
    const { code, stderr } = await run([
      '--config',
      `${FIXTURES}/config/bad-rule.yaml`,
      product('compliant'),
    ]);
    expect(code).toBe(2);
    expectCleanErrors(stderr);
    expect(stderr).toMatch(
      /^error: src\/__fixtures__\/config\/bad-rule\.yaml: dataMesh\.governance policy orders-have-purpose: rule: .* at line 1, column 28\n$/,
    );
  });

  it('reads config as the backend does: $include and ${VAR} substitution', async () => {
    const { code, stdout } = await run(
      [
        '--config',
        `${FIXTURES}/config/app-config.yaml`,
        '--entities',
        ENTITIES,
        product('compliant'),
      ],
      { env: { POLICY_TITLE: 'Shipments are named' } },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /BLOCKING\s+purpose-mentions-shipments: Shipments are named\n\s+fix: Say which shipments/,
    );
  });

  it('applies the policies of a parent domain to a product of its subdomain', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      product('untagged'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /BLOCKING\s+commerce-products-tagged: Commerce products are tagged \(policy of domain:default\/commerce\)\n\s+fix: Add metadata.tags/,
    );

    // Without the entities, the domain and its policies are unknown.
    const offline = await run([product('untagged')]);
    expect(offline.stdout.split('\n')[0]).toBe(UNRESOLVED_NOTE);
    expect(offline.stdout).not.toContain('commerce-products-tagged');
    expect(offline.stdout).toMatch(/BLOCKING\s+domain-exists/);
  });

  it('neither shows nor blocks on draft policies', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      '--format',
      'json',
      product('compliant'),
    ]);
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout).products;
    expect(result.governance.compliant).toBe(true);
    const ids = result.governance.results.map((r: { id: string }) => r.id);
    expect(ids).toContain('commerce-products-tagged');
    expect(ids).not.toContain('commerce-major-version-two');
    expect(stdout).not.toContain('draft');

    // The same policy enforced fails the product: the draft was hidden, not passing.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      await fs.cp(path.join(PACKAGE_DIR, ENTITIES), dir, { recursive: true });
      const domains = path.join(dir, 'domains.yaml');
      const text = await fs.readFile(domains, 'utf8');
      await fs.writeFile(
        domains,
        text.replace('enforcement: draft', 'enforcement: enforce'),
      );
      const enforced = await run(['--entities', dir, product('compliant')]);
      expect(enforced.code).toBe(1);
      expect(enforced.stdout).toMatch(/BLOCKING\s+commerce-major-version-two/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('says when owner, domain and upstream are not resolved', async () => {
    const text = await run([product('compliant')]);
    expect(text.stdout.split('\n')[0]).toBe(UNRESOLVED_NOTE);

    const json = await run(['--format', 'json', product('compliant')]);
    expect(json.stderr).toBe(`note: ${UNRESOLVED_NOTE}\n`);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it('names refs it cannot find among the entities', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      const text = await fs.readFile(
        path.join(PACKAGE_DIR, product('compliant')),
        'utf8',
      );
      const file = path.join(dir, 'catalog-info.yaml');
      await fs.writeFile(
        file,
        text
          .replace('domain: checkout', 'domain: returns')
          .replace('contractId: 0b6a4c1e-orders', 'contract: no-such-api'),
      );
      const { code, stdout } = await run(['--entities', ENTITIES, file]);
      expect(code).toBe(1);
      expect(stdout).toContain(
        '  not found in --entities: domain:default/returns, api:default/no-such-api\n',
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('prints JSON without drafts', async () => {
    const { code, stdout } = await run([
      '--entities',
      ENTITIES,
      '--format',
      'json',
      product('compliant'),
      product('personal-internal'),
    ]);
    expect(code).toBe(1);
    const output = JSON.parse(stdout);
    expect(Object.keys(output)).toEqual(['products']);
    expect(
      output.products.map((p: { entityRef: string }) => p.entityRef),
    ).toEqual([
      'dataproduct:default/orders',
      'dataproduct:default/customer-orders',
    ]);
    for (const p of output.products) {
      expect(Object.keys(p)).toEqual(['entityRef', 'scorecard', 'governance']);
      expect(p.scorecard).toEqual(
        expect.objectContaining({ score: expect.any(Number) }),
      );
    }
    expect(output.products[1].governance).toEqual({
      compliant: false,
      results: expect.arrayContaining([
        expect.objectContaining({
          id: 'personal-data-protected',
          outcome: 'fail',
          blocking: true,
        }),
      ]),
    });
  });

  it('refuses unknown options and formats', async () => {
    const unknown = await run(['--bogus', product('compliant')]);
    expect(unknown.code).toBe(2);
    expectCleanErrors(unknown.stderr);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");

    const format = await run(['--format', 'xml', product('compliant')]);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('error: --format: "xml" is not text or json\n');

    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no descriptor given');
  });

  it('prints its usage', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Usage: data-mesh-check [options] <descriptor.yaml ...>',
    );
  });
});
