import {
  DataProductEvaluator,
  DEFAULT_GOVERNANCE_POLICIES,
  DEFAULT_SCORECARD_CHECKS,
  DEFAULT_SCORECARD_LEVELS,
  productRuleContext,
  withDraftRelations,
} from '@datamesh-portal/plugin-data-mesh-common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  checkDescriptors,
  CheckInputError,
  LocalContractLookup,
  runCheck,
} from '.';
import { loadEntities } from './entities';
import { ENTITIES, FIXTURES, NOW, PACKAGE_DIR, product } from './__testUtils__';

jest.setTimeout(30_000);

const options = { cwd: PACKAGE_DIR, now: NOW };

describe('checkDescriptors', () => {
  it('returns each verdict as the portal gives it', async () => {
    const verdicts = await checkDescriptors({
      ...options,
      files: [product('compliant'), product('personal-internal')],
      entityPaths: [ENTITIES],
    });
    expect(verdicts.map(v => [v.entityRef, v.governance.compliant])).toEqual([
      ['dataproduct:default/orders', true],
      ['dataproduct:default/customer-orders', false],
    ]);
    for (const verdict of verdicts) {
      expect(Object.keys(verdict)).toEqual([
        'entityRef',
        'scorecard',
        'governance',
      ]);
      expect(
        verdict.governance.results.some(r => r.enforcement === 'draft'),
      ).toBe(false);
    }
  });

  it('gives the verdict of the shared evaluator on the same context', async () => {
    const [verdict] = await checkDescriptors({
      ...options,
      files: [product('warning-only')],
    });
    // With nothing resolved, the evaluator sees the product alone.
    const evaluator = new DataProductEvaluator({
      levels: DEFAULT_SCORECARD_LEVELS,
      checks: DEFAULT_SCORECARD_CHECKS,
      policies: DEFAULT_GOVERNANCE_POLICIES,
    });
    const entity = parse(
      await fs.readFile(
        path.join(PACKAGE_DIR, product('warning-only')),
        'utf8',
      ),
    );
    entity.metadata.namespace = 'default';
    const context = productRuleContext(await withDraftRelations(entity), {
      findEntity: () => undefined,
      now: NOW,
    });
    expect(verdict.scorecard).toEqual(
      evaluator.evaluate(context, () => undefined).scorecard,
    );
    expect(verdict.governance).toEqual(
      evaluator.evaluate(context, () => undefined).governance,
    );
  });

  it('resolves contracts by ODCS id, from $text files and inline definitions', async () => {
    const [verdict] = await checkDescriptors({
      ...options,
      files: [product('compliant')],
      entityPaths: [ENTITIES],
      configFiles: [`${FIXTURES}/config/lineage.yaml`],
    });
    const outcome = (id: string) =>
      verdict.scorecard.checks.find(c => c.id === id)?.outcome;
    expect(outcome('upstream-is-payments')).toBe('pass');
    expect(outcome('one-contract-provided')).toBe('pass');
    expect(
      verdict.governance.results.find(
        r => r.id === 'active-output-ports-have-contracts',
      )?.outcome,
    ).toBe('pass');
  });

  it('takes facts given as an object', async () => {
    const [verdict] = await checkDescriptors({
      ...options,
      files: [product('compliant')],
      entityPaths: [ENTITIES],
      facts: { contract_tests: { passed: 3, failed: 0 } },
    });
    expect(
      verdict.scorecard.checks.find(c => c.id === 'contract-tests-passing')
        ?.outcome,
    ).toBe('pass');
  });

  it('throws every input problem at once', async () => {
    const error = await checkDescriptors({
      ...options,
      files: [product('invalid'), 'nowhere.yaml'],
      facts: { catalog: { contracts: 9 } },
    }).catch(e => e);
    expect(error).toBeInstanceOf(CheckInputError);
    expect(error.problems).toEqual([
      'facts: source "catalog" is computed by the portal from the catalog; push under another name',
      `${product(
        'invalid',
      )}: line 2: DataProduct broken-orders: spec.owner: is required`,
      `${product(
        'invalid',
      )}: line 2: DataProduct broken-orders: spec.status: must be one of proposed, draft, active, deprecated, retired, got "live"`,
      'nowhere.yaml: no such file or directory',
    ]);
  });

  it('refuses a product defined in two files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      const copy = path.join(dir, 'catalog-info.yaml');
      await fs.copyFile(path.join(PACKAGE_DIR, product('compliant')), copy);
      const error = await checkDescriptors({
        ...options,
        // The same file named twice is read once; another file is a conflict.
        files: [product('compliant'), product('compliant'), copy],
      }).catch(e => e);
      expect(error).toBeInstanceOf(CheckInputError);
      expect(error.problems).toEqual([
        `${copy}: line 3: dataproduct:default/orders is also defined in ${product(
          'compliant',
        )} at line 3`,
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadEntities', () => {
  it('gives each problem of an invalid contract and of an invalid ODPS document its own line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      const file = path.join(dir, 'entities.yaml');
      await fs.writeFile(
        file,
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: API',
          'metadata:',
          '  name: orders-contract',
          'spec:',
          '  type: odcs',
          '  lifecycle: production',
          '  owner: sales-data',
          '  definition: |',
          '    apiVersion: v3.1.0',
          '    kind: DataContract',
          '    id: orders',
          '    status: active',
          '    colour: red',
          '---',
          'apiVersion: v1.0.0',
          'kind: DataProduct',
          'id: x',
          'status: live',
          'tenant: 2',
          '',
        ].join('\n'),
      );
      const error = await loadEntities([file], {
        cwd: dir,
        strict: true,
        odps: { defaultOwner: 'group:a', defaultDomain: 'b' },
      }).catch(e => e);
      expect(error).toBeInstanceOf(CheckInputError);
      expect(error.problems).toEqual([
        `${file}: line 16: ODPS document: tenant: must be a string, got 2`,
      ]);
      const loaded = await loadEntities([file], {
        cwd: dir,
        strict: false,
        odps: { defaultOwner: 'group:a', defaultDomain: 'b' },
      });
      const refused = '(left out, as the catalog would refuse it)';
      expect(loaded.warnings).toEqual([
        `${file}: line 1: API orders-contract: spec.definition is not a valid ODCS contract: version: is required ${refused}`,
        expect.stringMatching(
          new RegExp(
            `^${file.replace(
              /[.*+?^${}()|[\]\\]/g,
              '\\$&',
            )}: line 1: API orders-contract: spec.definition is not a valid ODCS contract: colour: is not a known field \\(known: .*\\) \\(left out, as the catalog would refuse it\\)$`,
          ),
        ),
        `${file}: line 16: ODPS document: tenant: must be a string, got 2 ${refused}`,
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runCheck', () => {
  it('leaves out, with a warning, context entities the catalog would refuse', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-mesh-check-'));
    try {
      await fs.cp(path.join(PACKAGE_DIR, ENTITIES), dir, { recursive: true });
      await fs.rm(path.join(dir, 'contracts', 'orders.odcs.yaml'));
      await fs.appendFile(
        path.join(dir, 'domains.yaml'),
        '---\napiVersion: datamesh-portal.io/v1alpha1\nkind: Domain\nmetadata:\n  name: nowhere\nspec: {}\n',
      );
      const report = await runCheck({
        ...options,
        files: [product('compliant')],
        entityPaths: [dir],
      });
      expect(report.warnings).toEqual([
        `${path.join(
          dir,
          'contracts.yaml',
        )}: line 2: API orders-contract: spec.definition: $text ./contracts/orders.odcs.yaml: no such file (left out, as the catalog would refuse it)`,
        expect.stringMatching(
          /domains\.yaml: line \d+: Domain nowhere: spec\.owner: is required \(left out, as the catalog would refuse it\)$/,
        ),
      ]);
      // Without its contract, the product's output port is not resolved.
      expect(report.products[0].governance.compliant).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LocalContractLookup', () => {
  const api = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: 'orders-contract',
      namespace: 'shop',
      annotations: { 'datamesh-portal.io/odcs-id': 'ABC-1' },
    },
    spec: { type: 'odcs' },
  };
  const byId = {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', namespace: 'shop' },
    spec: { outputPorts: [{ name: 'o', type: 'table', contractId: 'abc-2' }] },
  };
  const byRef = {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders-v2', namespace: 'shop' },
    spec: {
      outputPorts: [{ name: 'o', type: 'table', contract: 'orders-contract' }],
    },
  };
  const lookup = new LocalContractLookup([api, byId, byRef]);

  it('finds the contract API by its ODCS id, ignoring case as the catalog does', async () => {
    await expect(lookup.findContract('abc-1')).resolves.toEqual({
      kind: 'API',
      namespace: 'shop',
      name: 'orders-contract',
    });
    await expect(lookup.findContract('nope')).resolves.toBeUndefined();
  });

  it('finds the provider by port contractId, else by a port naming the contract API', async () => {
    await expect(lookup.findProvider('ABC-2')).resolves.toEqual({
      kind: 'DataProduct',
      namespace: 'shop',
      name: 'orders',
    });
    await expect(lookup.findProvider('abc-1')).resolves.toEqual({
      kind: 'DataProduct',
      namespace: 'shop',
      name: 'orders-v2',
    });
    await expect(lookup.findProvider('nope')).resolves.toBeUndefined();
  });
});
