import { Entity } from '@backstage/catalog-model';
import { processingResult } from '@backstage/plugin-catalog-node';
import { JsonArray } from '@backstage/types';
import { DataMeshEntitiesProcessor } from './DataMeshEntitiesProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

const product = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'integrated-analysis', namespace: 'finance' },
  spec: {
    owner: 'group-analytics',
    domain: 'financial-group',
    system: 'system:default/analytics-platform',
    status: 'active',
    inputPorts: [
      {
        name: 'bank',
        dataProduct: 'bank-transactions',
        outputPort: 'transactions',
        contract: 'bank-transactions-contract',
      },
      { name: 'manual', description: 'spreadsheets from finance' },
    ],
    outputPorts: [
      {
        name: 'analysis',
        type: 'table',
        contract: 'integrated-analysis-contract',
      },
    ],
  },
};

describe('DataMeshEntitiesProcessor', () => {
  const processor = new DataMeshEntitiesProcessor();

  it('claims DataProduct and data mesh Domain entities only', async () => {
    await expect(processor.validateEntityKind(product)).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({
        apiVersion: 'datamesh-portal.io/v1alpha1',
        kind: 'Domain',
        metadata: { name: 'bank' },
        spec: { owner: 'bank-data', subdomainOf: 'financial-group' },
      }),
    ).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Domain',
        metadata: { name: 'bank' },
        spec: { owner: 'bank-data' },
      }),
    ).resolves.toBe(false);
  });

  it('rejects an invalid DataProduct with the field named', async () => {
    await expect(
      processor.validateEntityKind({
        ...product,
        spec: { ...product.spec, status: 'live' },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'spec.status: must be one of proposed, draft, active, deprecated, retired, got "live"',
      problems: [
        {
          field: 'spec.status',
          message:
            'must be one of proposed, draft, active, deprecated, retired, got "live"',
        },
      ],
    });
  });

  it('emits owner, domain, system, lineage and contract relations with default kinds', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(product, location, emit);

    const self = {
      kind: 'DataProduct',
      namespace: 'finance',
      name: 'integrated-analysis',
    };
    const pair = (forward: string, reverse: string, target: object) => [
      processingResult.relation({
        source: self,
        type: forward,
        target: target as any,
      }),
      processingResult.relation({
        source: target as any,
        type: reverse,
        target: self,
      }),
    ];
    const expected = [
      ...pair('ownedBy', 'ownerOf', {
        kind: 'Group',
        namespace: 'finance',
        name: 'group-analytics',
      }),
      ...pair('partOf', 'hasPart', {
        kind: 'Domain',
        namespace: 'finance',
        name: 'financial-group',
      }),
      ...pair('partOf', 'hasPart', {
        kind: 'system',
        namespace: 'default',
        name: 'analytics-platform',
      }),
      ...pair('dependsOn', 'dependencyOf', {
        kind: 'DataProduct',
        namespace: 'finance',
        name: 'bank-transactions',
      }),
      ...pair('consumesApi', 'apiConsumedBy', {
        kind: 'API',
        namespace: 'finance',
        name: 'bank-transactions-contract',
      }),
      ...pair('providesApi', 'apiProvidedBy', {
        kind: 'API',
        namespace: 'finance',
        name: 'integrated-analysis-contract',
      }),
    ];
    expect(emit.mock.calls.map(([result]) => result)).toEqual(expected);
  });

  it('emits nothing for a data mesh Domain: the built-in processor owns its relations', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(
      {
        apiVersion: 'datamesh-portal.io/v1alpha1',
        kind: 'Domain',
        metadata: { name: 'bank' },
        spec: { owner: 'bank-data', subdomainOf: 'financial-group' },
      },
      location,
      emit,
    );
    expect(emit).not.toHaveBeenCalled();
  });

  describe('domain policies', () => {
    const domain = (policies: JsonArray): Entity => ({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: 'research' },
      spec: { owner: 'research-data', policies },
    });
    const withGlobals = new DataMeshEntitiesProcessor({
      globalPolicyIds: ['personal-data-protected'],
    });

    it('accepts well-formed policies without emitting anything', async () => {
      const emit = jest.fn();
      await withGlobals.postProcessEntity(
        domain([
          {
            id: 'de-identified-input',
            rule: "upstream.all(u, u.spec.classification != 'restricted')",
          },
        ]),
        location,
        emit,
      );
      expect(emit).not.toHaveBeenCalled();
    });

    it('refuses a malformed rule, naming the policy, its index and the position', async () => {
      const emit = jest.fn();
      await withGlobals.postProcessEntity(
        domain([
          { id: 'fine', rule: 'true' },
          { id: 'broken', rule: 'entity.spec.status ==' },
          { id: 'unknown-variable', rule: 'nothing.here' },
        ]),
        location,
        emit,
      );
      expect(emit).toHaveBeenCalledTimes(1);
      const [[result]] = emit.mock.calls;
      expect(result.type).toBe('error');
      expect(result.error.name).toBe('InputError');
      expect(result.error.problems).toEqual([
        {
          field: 'spec.policies[1].rule',
          message: expect.stringMatching(
            /^policy "broken": .* \(line 1, column \d+\)$/,
          ),
        },
        {
          field: 'spec.policies[2].rule',
          message: expect.stringMatching(
            /^policy "unknown-variable": .*nothing/,
          ),
        },
      ]);
      expect(result.error.message).toBe(
        `Domain domain:default/research has invalid policies: ${result.error.problems
          .map((p: any) => `${p.field}: ${p.message}`)
          .join('; ')}`,
      );
    });

    it('refuses more policies than the limit, naming the field, without compiling them', async () => {
      const policies = (count: number) =>
        Array.from({ length: count }, (_, i) => ({
          id: `policy-${i}`,
          rule: i === 0 ? 'broken ==' : 'true',
        }));
      const emit = jest.fn();
      await new DataMeshEntitiesProcessor({
        maxPoliciesPerDomain: 3,
      }).postProcessEntity(domain(policies(4)), location, emit);
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0][0].error.problems).toEqual([
        {
          field: 'spec.policies',
          message:
            'has 4 policies, more than the limit of 3 (dataMesh.governance.maxPoliciesPerDomain)',
        },
      ]);
      // 50 by default
      const byDefault = jest.fn();
      await processor.postProcessEntity(
        domain(policies(51)),
        location,
        byDefault,
      );
      expect(byDefault.mock.calls[0][0].error.message).toBe(
        'Domain domain:default/research has invalid policies: spec.policies: has 51 policies, more than the limit of 50 (dataMesh.governance.maxPoliciesPerDomain)',
      );
      const within = jest.fn();
      await processor.postProcessEntity(
        domain(policies(50).slice(1)),
        location,
        within,
      );
      expect(within).not.toHaveBeenCalled();
    });

    it('refuses a policy that reuses a global policy id', async () => {
      const emit = jest.fn();
      await withGlobals.postProcessEntity(
        domain([{ id: 'personal-data-protected', rule: 'true' }]),
        location,
        emit,
      );
      expect(emit.mock.calls[0][0].error.problems).toEqual([
        {
          field: 'spec.policies[0].id',
          message:
            '"personal-data-protected" is a global policy; a domain adds policies of its own and cannot redefine a global one',
        },
      ]);
      expect(emit.mock.calls[0][0].error.message).toContain(
        'spec.policies[0].id: "personal-data-protected" is a global policy',
      );
    });
  });
});
