import { Entity } from '@backstage/catalog-model';
import { JsonArray } from '@backstage/types';
import { GovernancePolicyDefinition } from '../api';
import {
  applyWaivers,
  compileDomainPolicies,
  compileGovernancePolicies,
  domainAncestry,
  evaluateGovernance,
  mergePolicies,
  PolicyResolver,
} from './governance';
import { DEFAULT_GOVERNANCE_POLICIES } from './defaults';
import { RuleCompileError } from './errors';

const product = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'cohort-study' },
  spec: {
    owner: 'research-data',
    domain: 'research',
    status: 'active',
    personalData: true,
    classification: 'internal',
  },
};

const domain = (
  name: string,
  policies: GovernancePolicyDefinition[] = [],
  subdomainOf?: string,
): Entity => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'Domain',
  metadata: { name, namespace: 'default' },
  spec: {
    owner: 'x',
    policies: policies as unknown as JsonArray,
    ...(subdomainOf ? { subdomainOf } : {}),
  },
});

const global = compileGovernancePolicies(
  [
    {
      id: 'personal-data-protected',
      appliesTo: 'entity.spec.personalData',
      rule: "entity.spec.classification in ['confidential', 'restricted']",
    },
  ],
  { origin: 'global' },
);

describe('governance policies', () => {
  describe('sensitive-data-not-auto-approved', () => {
    const [policy] = compileGovernancePolicies(
      DEFAULT_GOVERNANCE_POLICIES.filter(
        p => p.id === 'sensitive-data-not-auto-approved',
      ),
      { origin: 'global' },
    );
    const outcome = (spec: Record<string, unknown>) =>
      evaluateGovernance([policy], {
        entity: { ...product, spec: { ...product.spec, ...spec } },
      }).results[0]?.outcome;
    const automatic = [
      { name: 'a', type: 'table', access: { approval: 'automatic' } },
    ];

    it.each([
      [{ personalData: true, classification: 'internal' }, 'fail'],
      [{ personalData: false, classification: 'confidential' }, 'fail'],
      [{ personalData: false, classification: 'restricted' }, 'fail'],
      [{ personalData: false, classification: 'internal' }, 'skipped'],
    ])('an automatic port of %j: %s', (spec, expected) => {
      expect(outcome({ ...spec, outputPorts: automatic })).toBe(expected);
    });

    it('passes sensitive products whose ports are approved by owners', () => {
      expect(
        outcome({
          outputPorts: [
            { name: 'a', type: 'table' },
            { name: 'b', type: 'table', access: { approval: 'owners' } },
          ],
        }),
      ).toBe('pass');
      expect(outcome({})).toBe('pass');
    });
  });

  describe('enforcement lifecycle', () => {
    const failing = (
      severity: 'error' | 'warning',
      enforcement: 'draft' | 'warn' | 'enforce' | 'retired',
    ) =>
      compileGovernancePolicies(
        [{ id: 'p', severity, enforcement, rule: 'false' }],
        { origin: 'global' },
      );

    it.each([
      ['error', 'enforce', true, true],
      ['warning', 'enforce', true, false],
      ['error', 'warn', true, false],
      ['warning', 'warn', true, false],
      ['error', 'draft', true, false],
      ['error', 'retired', false, false],
    ] as const)(
      'a failing %s policy in %s: evaluated %p, blocking %p',
      (severity, enforcement, evaluated, blocking) => {
        const { compliant, results } = evaluateGovernance(
          failing(severity, enforcement),
          { entity: product },
        );
        // Retired policies are not evaluated at all.
        const expected = evaluated
          ? [{ id: 'p', outcome: 'fail', severity, enforcement, blocking }]
          : [];
        expect(
          results.map(
            ({ id, outcome, severity: s, enforcement: e, blocking: b }) => ({
              id,
              outcome,
              severity: s,
              enforcement: e,
              blocking: b,
            }),
          ),
        ).toEqual(expected);
        expect(compliant).toBe(!blocking);
      },
    );

    it('fails closed: an enforced policy that cannot be evaluated blocks', () => {
      const policies = compileGovernancePolicies(
        [{ id: 'p', rule: 'entity.spec.missing.deeper == 1' }],
        { origin: 'global' },
      );
      expect(evaluateGovernance(policies, { entity: product })).toEqual({
        compliant: false,
        results: [
          expect.objectContaining({ outcome: 'error', blocking: true }),
        ],
      });
    });

    it('defaults a policy to error severity, enforced, titled by its id', () => {
      expect(
        compileGovernancePolicies([{ id: 'p', rule: 'true' }], {
          origin: 'domain',
          domainRef: 'domain:default/research',
        })[0].policy,
      ).toEqual({
        id: 'p',
        rule: 'true',
        title: 'p',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'domain',
        domainRef: 'domain:default/research',
      });
    });
  });

  describe('compiling', () => {
    it('reports every problem of every policy with id, field and position', () => {
      let error: RuleCompileError | undefined;
      try {
        compileGovernancePolicies(
          [
            { id: 'Bad Id', rule: 'true' },
            { id: 'sev', rule: 'true', severity: 'fatal' as any },
            { id: 'enf', rule: 'true', enforcement: 'always' as any },
            { id: 'syntax', rule: 'entity.spec ==' },
          ],
          { origin: 'global' },
        );
      } catch (e) {
        error = e as RuleCompileError;
      }
      expect(error).toBeInstanceOf(RuleCompileError);
      expect(error!.problems.map(p => [p.ruleId, p.field])).toEqual([
        ['Bad Id', 'id'],
        ['sev', 'severity'],
        ['enf', 'enforcement'],
        ['syntax', 'rule'],
      ]);
      expect(error!.problems[3].line).toBe(1);
      expect(error!.message).toContain(
        'Rule sev: severity: "fatal" is not one of error, warning',
      );
    });

    it('keeps a broken domain policy to itself: it errors, its neighbours work', () => {
      const compiled = compileDomainPolicies('domain:default/research', [
        { id: 'broken', rule: 'entity.spec ==' },
        { id: 'fine', rule: 'true' },
      ]);
      const { results } = evaluateGovernance(compiled, { entity: product });
      expect(results.map(r => [r.id, r.outcome])).toEqual([
        ['broken', 'error'],
        ['fine', 'pass'],
      ]);
      expect(results[0].message).toMatch(/^the policy does not compile: /);
    });

    it('compiles the default global policies', () => {
      expect(
        compileGovernancePolicies(DEFAULT_GOVERNANCE_POLICIES, {
          origin: 'global',
        }).every(p => p.rule !== undefined),
      ).toBe(true);
    });
  });

  describe('merging', () => {
    const research = domain(
      'research',
      [
        { id: 'de-identified-input', rule: 'upstream.size() == 0' },
        // Tries to switch off the global policy.
        { id: 'personal-data-protected', rule: 'true' },
      ],
      'hospital',
    );
    const hospital = domain('hospital', [
      { id: 'tagged', enforcement: 'warn', rule: 'has(entity.metadata.tags)' },
    ]);
    // Tries to retire its parent's policy.
    const lab = domain(
      'lab',
      [{ id: 'tagged', enforcement: 'retired', rule: 'true' }],
      'research',
    );
    const domains = new Map(
      [research, hospital, lab].map(d => [
        `domain:default/${d.metadata.name}`,
        d,
      ]),
    );
    const find = (ref: string) => domains.get(ref);

    it('walks a domain up to the root, root first, and stops at cycles and gaps', () => {
      expect(domainAncestry(lab, find).map(d => d.metadata.name)).toEqual([
        'hospital',
        'research',
        'lab',
      ]);
      const a = domain('a', [], 'b');
      const b = domain('b', [], 'a');
      const cyclic = new Map([
        ['domain:default/a', a],
        ['domain:default/b', b],
      ]);
      expect(
        domainAncestry(a, ref => cyclic.get(ref)).map(d => d.metadata.name),
      ).toEqual(['b', 'a']);
      expect(domainAncestry(domain('orphan', [], 'gone'), find)).toHaveLength(
        1,
      );
      expect(domainAncestry(null, find)).toEqual([]);
    });

    it('applies global, parent and own policies; a reused id never replaces the first', () => {
      const resolver = new PolicyResolver(global);
      const { policies, shadowed } = mergePolicies(
        global,
        domainAncestry(lab, find).map(d => resolver.domainPolicies(d)),
      );
      expect(
        policies.map(p => [p.policy.id, p.policy.origin, p.policy.domainRef]),
      ).toEqual([
        ['personal-data-protected', 'global', undefined],
        ['tagged', 'domain', 'domain:default/hospital'],
        ['de-identified-input', 'domain', 'domain:default/research'],
      ]);
      expect(
        shadowed.map(s => [s.policy.domainRef, s.policy.id, s.by.origin]),
      ).toEqual([
        ['domain:default/research', 'personal-data-protected', 'global'],
        ['domain:default/lab', 'tagged', 'domain'],
      ]);
      const verdict = evaluateGovernance(resolver.forDomain(lab, find), {
        entity: product,
      });
      // The global policy still fails: the domain's `true` did not replace it.
      expect(verdict.compliant).toBe(false);
      expect(verdict.results.find(r => r.id === 'tagged')).toMatchObject({
        enforcement: 'warn',
        outcome: 'fail',
      });
    });

    it('gives products of other domains none of these domain policies', () => {
      const resolver = new PolicyResolver(global);
      expect(
        resolver.forDomain(domain('sales'), find).map(p => p.policy.id),
      ).toEqual(['personal-data-protected']);
    });

    it("reads policies only from data mesh Domains: a built-in Domain's spec.policies were never validated", () => {
      const builtIn = {
        ...domain('finance', [{ id: 'finance-tagged', rule: 'false' }]),
        apiVersion: 'backstage.io/v1alpha1',
      };
      const resolver = new PolicyResolver(global);
      expect(resolver.domainPolicies(builtIn)).toEqual([]);
      const child = domain('ledger', [], 'finance');
      const finance = (ref: string) =>
        ref === 'domain:default/finance' ? builtIn : undefined;
      // A built-in parent still counts as a parent domain; it brings no policies.
      expect(domainAncestry(child, finance)).toEqual([builtIn, child]);
      expect(resolver.forDomain(child, finance).map(p => p.policy.id)).toEqual([
        'personal-data-protected',
      ]);
    });

    it("applies a domain's first policies up to the limit; the first one over it ends in error in place of the rest", () => {
      const many = domain(
        'crowded',
        Array.from({ length: 60 }, (_, i) => ({
          id: `crowded-${i}`,
          rule: 'true',
        })),
      );
      const byDefault = new PolicyResolver(global).domainPolicies(many);
      expect(byDefault).toHaveLength(51);
      const resolver = new PolicyResolver(global, { maxPoliciesPerDomain: 3 });
      const verdict = evaluateGovernance(
        resolver.forDomain(many, () => undefined),
        {
          entity: {
            ...product,
            spec: { ...product.spec, personalData: false },
          },
        },
      );
      expect(verdict.results.map(r => [r.id, r.outcome])).toEqual([
        ['personal-data-protected', 'skipped'],
        ['crowded-0', 'pass'],
        ['crowded-1', 'pass'],
        ['crowded-2', 'pass'],
        ['crowded-3', 'error'],
      ]);
      expect(verdict.results[4]).toMatchObject({
        origin: 'domain',
        domainRef: 'domain:default/crowded',
        blocking: true,
        message:
          'not evaluated: domain:default/crowded has 60 policies, more than the limit of 3; this one and the 56 after it are left out',
      });
      expect(verdict.compliant).toBe(false);
      expect(
        new PolicyResolver(global, { maxPoliciesPerDomain: 60 })
          .domainPolicies(many)
          .every(p => p.rule),
      ).toBe(true);
    });

    it('compiles a domain again when its policies change, not otherwise', () => {
      const resolver = new PolicyResolver(global);
      const first = resolver.domainPolicies(hospital);
      expect(resolver.domainPolicies({ ...hospital })).toBe(first);
      const changed = domain('hospital', [{ id: 'tagged', rule: 'false' }]);
      expect(resolver.domainPolicies(changed)).not.toBe(first);
    });
  });

  describe('waivers', () => {
    const results = evaluateGovernance(global, { entity: product }).results;
    const now = new Date('2026-11-25T12:00:00Z');
    const waiver = (status: string, expiresAt: string) => ({
      id: 'w1',
      policyId: 'personal-data-protected',
      status,
      expiresAt,
    });

    it('turns a failure into waived while an approved waiver has not expired', () => {
      expect(
        applyWaivers(
          results,
          [waiver('approved', '2026-11-26T00:00:00Z')],
          now,
        ),
      ).toEqual({
        compliant: true,
        results: [
          expect.objectContaining({
            outcome: 'waived',
            blocking: false,
            waiverId: 'w1',
          }),
        ],
      });
    });

    it.each([
      ['approved', '2026-11-25T12:00:00Z'],
      ['approved', '2026-11-01T00:00:00Z'],
      ['pending', '2026-12-01T00:00:00Z'],
      ['rejected', '2026-12-01T00:00:00Z'],
      ['revoked', '2026-12-01T00:00:00Z'],
    ])('does not apply a waiver %s until %s', (status, expiresAt) => {
      const applied = applyWaivers(results, [waiver(status, expiresAt)], now);
      expect(applied.compliant).toBe(false);
      expect(applied.results[0].outcome).toBe('fail');
    });

    it('leaves passing results alone', () => {
      const passing = evaluateGovernance(global, {
        entity: { ...product, spec: { ...product.spec, personalData: false } },
      }).results;
      expect(
        applyWaivers(passing, [waiver('approved', '2027-01-01T00:00:00Z')], now)
          .results[0].outcome,
      ).toBe('skipped');
    });
  });
});
