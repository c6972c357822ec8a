import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCheck } from './check';
import {
  ENTITIES,
  NOW,
  PACKAGE_DIR,
  product,
  REPO_ROOT,
  run,
} from './__testUtils__';

jest.setTimeout(60_000);

/** The DataProducts (entities and ODPS documents) of every YAML file under `dir`. */
async function exampleProducts(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) names.push(...(await exampleProducts(file)));
    else if (/\.ya?ml$/.test(entry.name)) {
      for (const doc of parseAllDocuments(
        await fs.readFile(file, 'utf8'),
      ) as any[]) {
        const data = doc.toJS();
        if (data?.kind === 'DataProduct') {
          names.push(data.metadata?.name ?? `odps:${data.id}`);
        }
      }
    }
  }
  return names;
}

describe('the repository examples', () => {
  it('gets a verdict for every example product with the example portal config', async () => {
    const report = await runCheck({
      files: ['examples'],
      entityPaths: ['examples'],
      configFiles: ['app-config.yaml'],
      cwd: REPO_ROOT,
      now: NOW,
      env: {},
    });
    const expected = await exampleProducts(path.join(REPO_ROOT, 'examples'));
    expect(report.products).toHaveLength(expected.length);
    const refs = report.products.map(p => p.entityRef);
    for (const name of expected.filter(n => !n.startsWith('odps:'))) {
      expect(refs).toContain(`dataproduct:default/${name}`.toLowerCase());
    }

    const compliant = report.products.filter(p => p.governance.compliant);
    const failing = report.products.filter(p => !p.governance.compliant);
    expect(compliant.length).toBeGreaterThan(0);
    expect(failing.length).toBeGreaterThan(0);
    for (const p of report.products) {
      expect(p.governance.compliant).toBe(
        !p.governance.results.some(r => r.blocking),
      );
      expect(p.governance.results.some(r => r.enforcement === 'draft')).toBe(
        false,
      );
      expect(p.scorecard.score).toBeGreaterThanOrEqual(0);
      expect(p.scorecard.score).toBeLessThanOrEqual(100);
      expect(p.scorecard.checks.length).toBeGreaterThan(0);
    }
  });

  it('exits with 1 over the examples, naming their deliberate failures', async () => {
    const { code, stdout } = await run(
      ['--entities', 'examples', '--config', 'app-config.yaml', 'examples'],
      { cwd: REPO_ROOT },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/ NOT COMPLIANT /);
    expect(stdout).toMatch(/ {2}COMPLIANT /);
    expect(stdout).toMatch(/BLOCKING {2}\S+/);
    expect(stdout).toMatch(
      /\d+ products checked: \d+ compliant, \d+ not compliant\n$/,
    );
  });
});

describe('bin/data-mesh-check', () => {
  it('runs the TypeScript sources from the repository', async () => {
    const result = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>(resolve => {
      execFile(
        process.execPath,
        [
          'bin/data-mesh-check',
          '--entities',
          ENTITIES,
          product('compliant'),
          product('personal-internal'),
        ],
        { cwd: PACKAGE_DIR, env: { ...process.env, DATA_MESH_TOKEN: '' } },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (error.code as number) ?? null : 0,
            stdout,
            stderr,
          }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('dataproduct:default/orders  COMPLIANT');
    expect(result.stdout).toContain(
      'dataproduct:default/customer-orders  NOT COMPLIANT',
    );
    expect(result.stdout).toMatch(/BLOCKING\s+personal-data-protected/);
  });
});
