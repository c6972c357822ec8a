import { Entity } from '@backstage/catalog-model';
import {
  Governance,
  GovernancePolicy,
  GovernancePolicyDefinition,
  GovernanceResult,
  PolicyEnforcement,
  PolicySeverity,
  RuleOutcome,
} from '../api';
import { isDataMeshDomainEntity } from '../kinds/DataMeshDomainEntityV1alpha1';
import { entityRefKey } from '../util/entityRefKey';
import { RuleContext, RuleContextInput } from './context';
import {
  CompileRuleOptions,
  CompiledRule,
  compileRules,
  evaluateRule,
  EvaluateRuleOptions,
} from './engine';
import { DEFAULT_MAX_POLICIES_PER_DOMAIN } from './limits';
import {
  formatRuleCompileProblem,
  RuleCompileError,
  RuleCompileProblem,
} from './errors';

/** @public */
export const POLICY_SEVERITIES: PolicySeverity[] = ['error', 'warning'];
/** @public */
export const POLICY_ENFORCEMENTS: PolicyEnforcement[] = [
  'draft',
  'warn',
  'enforce',
  'retired',
];

const POLICY_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A policy ready to evaluate. `rule` is absent when the policy did not compile (a domain's
 * policy that reached the backend although the catalog refuses it): it then evaluates to
 * `error` with `problem`, and affects nothing else.
 * @public
 */
export interface CompiledPolicy {
  readonly policy: GovernancePolicy;
  readonly rule?: CompiledRule;
  readonly problem?: string;
}

/** Where policies come from: global config or one Domain (lowercase entity ref). @public */
export type PolicySource =
  | { origin: 'global' }
  | { origin: 'domain'; domainRef: string };

function withDefaults(
  definition: GovernancePolicyDefinition,
  source: PolicySource,
): GovernancePolicy {
  return {
    ...definition,
    title: definition.title ?? definition.id,
    severity: definition.severity ?? 'error',
    enforcement: definition.enforcement ?? 'enforce',
    ...source,
  };
}

function describeProblems(
  definition: GovernancePolicyDefinition,
): RuleCompileProblem[] {
  const problems: RuleCompileProblem[] = [];
  const at = (field: string, message: string) =>
    problems.push({ ruleId: String(definition?.id), field, message });
  if (typeof definition?.id !== 'string' || !POLICY_ID.test(definition.id)) {
    at(
      'id',
      `${JSON.stringify(
        definition?.id,
      )} is not a policy id such as no-personal-data (lowercase letters and digits, single hyphens between them)`,
    );
  }
  if (
    definition?.severity !== undefined &&
    !POLICY_SEVERITIES.includes(definition.severity)
  ) {
    at(
      'severity',
      `${JSON.stringify(
        definition.severity,
      )} is not one of ${POLICY_SEVERITIES.join(', ')}`,
    );
  }
  if (
    definition?.enforcement !== undefined &&
    !POLICY_ENFORCEMENTS.includes(definition.enforcement)
  ) {
    at(
      'enforcement',
      `${JSON.stringify(
        definition.enforcement,
      )} is not one of ${POLICY_ENFORCEMENTS.join(', ')}`,
    );
  }
  return problems;
}

/**
 * Compiles policies of one source, after checking their id, severity and enforcement. Throws
 * a {@link RuleCompileError} naming every problem (policy id, field, line and column), so a
 * bad global policy stops the backend and a bad domain policy is refused by the catalog.
 * @public
 */
export function compileGovernancePolicies(
  definitions: GovernancePolicyDefinition[],
  source: PolicySource,
  options: CompileRuleOptions = {},
): CompiledPolicy[] {
  const problems = definitions.flatMap(describeProblems);
  let rules: CompiledRule[] = [];
  try {
    rules = compileRules(definitions, options);
  } catch (e) {
    if (!(e instanceof RuleCompileError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length) throw new RuleCompileError(problems);
  return definitions.map((definition, i) => ({
    policy: withDefaults(definition, source),
    rule: rules[i],
  }));
}

/**
 * Compiles a domain's policies one by one, never throwing: a policy that does not compile
 * keeps its problem and evaluates to `error`, so it cannot affect the domain's other policies
 * or any other domain.
 * @public
 */
export function compileDomainPolicies(
  domainRef: string,
  definitions: GovernancePolicyDefinition[],
  options: CompileRuleOptions = {},
): CompiledPolicy[] {
  const source: PolicySource = { origin: 'domain', domainRef };
  return definitions.map(definition => {
    try {
      return compileGovernancePolicies([definition], source, options)[0];
    } catch (e) {
      if (!(e instanceof RuleCompileError)) throw e;
      return {
        policy: withDefaults(definition, source),
        problem: `the policy does not compile: ${e.problems
          .map(formatRuleCompileProblem)
          .join('; ')}`,
      };
    }
  });
}

/** A policy another one with the same id hides. @public */
export interface ShadowedPolicy {
  policy: GovernancePolicy;
  /** The policy in force with that id: global, or of a parent domain. */
  by: GovernancePolicy;
}

/**
 * The policies in force for a product: the global ones, then those of each domain from the
 * root of its domain tree down to its own domain. A domain cannot switch off or weaken a
 * policy of the organisation or of a parent domain: a policy whose id is already in force is
 * ignored and reported in `shadowed`.
 * @public
 */
export function mergePolicies(
  global: CompiledPolicy[],
  domainsRootFirst: CompiledPolicy[][],
): { policies: CompiledPolicy[]; shadowed: ShadowedPolicy[] } {
  const byId = new Map<string, CompiledPolicy>();
  const shadowed: ShadowedPolicy[] = [];
  for (const compiled of [global, ...domainsRootFirst].flat()) {
    const existing = byId.get(compiled.policy.id);
    if (existing) {
      shadowed.push({ policy: compiled.policy, by: existing.policy });
    } else {
      byId.set(compiled.policy.id, compiled);
    }
  }
  return { policies: [...byId.values()], shadowed };
}

/**
 * A product's domain and the domains above it (`spec.subdomainOf`), root first. Stops at a
 * domain it cannot find, at a cycle, or after 20 levels.
 * @public
 */
export function domainAncestry(
  domain: Entity | null | undefined,
  findDomain: (ref: string) => Entity | undefined,
): Entity[] {
  const chain: Entity[] = [];
  const seen = new Set<Entity>();
  let current = domain ?? undefined;
  while (current && !seen.has(current) && chain.length < 20) {
    seen.add(current);
    chain.unshift(current);
    const parent = (current.spec as { subdomainOf?: unknown } | undefined)
      ?.subdomainOf;
    current =
      typeof parent === 'string' && parent
        ? findDomain(domainRefOf(parent, current))
        : undefined;
  }
  return chain;
}

/** A domain reference in lowercase `domain:namespace/name` form. */
function domainRefOf(value: string, context: Entity): string {
  try {
    return entityRefKey(value, {
      defaultKind: 'domain',
      defaultNamespace: context.metadata.namespace ?? 'default',
    });
  } catch {
    return '';
  }
}

/** Options of {@link PolicyResolver}. @public */
export interface PolicyResolverOptions extends CompileRuleOptions {
  /**
   * The most policies one domain may have; default {@link DEFAULT_MAX_POLICIES_PER_DOMAIN}.
   * The catalog refuses a domain with more. Should one reach the resolver, its first ones
   * apply and the first one over the limit ends in `error` saying so, in place of the rest.
   */
  maxPoliciesPerDomain?: number;
}

/**
 * The policies of a domain with more than `max`: the first `max`, compiled, and the first one
 * over the limit, which ends in `error`, in place of the rest.
 */
function capPolicies(
  domainRef: string,
  definitions: GovernancePolicyDefinition[],
  max: number,
  options: CompileRuleOptions,
): CompiledPolicy[] {
  const over = definitions.length - max;
  return [
    ...compileDomainPolicies(domainRef, definitions.slice(0, max), options),
    {
      policy: withDefaults(definitions[max], { origin: 'domain', domainRef }),
      problem: `not evaluated: ${domainRef} has ${
        definitions.length
      } policies, more than the limit of ${max}; this one${
        over > 1 ? ` and the ${over - 1} after it are` : ' is'
      } left out`,
    },
  ];
}

/**
 * Resolves the policies in force for products, compiling each domain's policies once per
 * version of them (a Domain whose policies change is compiled again).
 * @public
 */
export class PolicyResolver {
  private readonly compiledByDomain = new Map<
    string,
    { definitions: unknown[]; source: string; policies: CompiledPolicy[] }
  >();
  private readonly maxPoliciesPerDomain: number;

  constructor(
    readonly global: CompiledPolicy[],
    private readonly options: PolicyResolverOptions = {},
  ) {
    this.maxPoliciesPerDomain =
      options.maxPoliciesPerDomain ?? DEFAULT_MAX_POLICIES_PER_DOMAIN;
  }

  /**
   * The compiled policies of one Domain entity: none when it has no `spec.policies`, or is not
   * a data mesh Domain (the catalog processor validates the policies of those only).
   */
  domainPolicies(domain: Entity): CompiledPolicy[] {
    if (!isDataMeshDomainEntity(domain)) return [];
    const definitions = (domain.spec as { policies?: unknown })?.policies;
    if (!Array.isArray(definitions) || definitions.length === 0) return [];
    const domainRef = entityRefKey(domain);
    const cached = this.compiledByDomain.get(domainRef);
    // The same definitions object, for every product of a domain in one pass.
    if (cached?.definitions === definitions) return cached.policies;
    const source = JSON.stringify(definitions);
    if (cached?.source === source) {
      cached.definitions = definitions;
      return cached.policies;
    }
    const max = this.maxPoliciesPerDomain;
    const policies =
      definitions.length > max
        ? capPolicies(
            domainRef,
            definitions as GovernancePolicyDefinition[],
            max,
            this.options,
          )
        : compileDomainPolicies(
            domainRef,
            definitions as GovernancePolicyDefinition[],
            this.options,
          );
    this.compiledByDomain.set(domainRef, { definitions, source, policies });
    return policies;
  }

  /** The policies in force for a product of `domain`, given a lookup of Domain entities. */
  forDomain(
    domain: Entity | null | undefined,
    findDomain: (ref: string) => Entity | undefined,
  ): CompiledPolicy[] {
    const domains = domainAncestry(domain, findDomain).map(d =>
      this.domainPolicies(d),
    );
    if (domains.every(policies => policies.length === 0)) return this.global;
    return mergePolicies(this.global, domains).policies;
  }
}

/** Whether a policy's outcome makes the product non-compliant. @public */
export function isBlocking(
  policy: Pick<GovernancePolicy, 'severity' | 'enforcement'>,
  outcome: RuleOutcome,
): boolean {
  return (
    policy.enforcement === 'enforce' &&
    policy.severity === 'error' &&
    (outcome === 'fail' || outcome === 'error')
  );
}

/**
 * Evaluates the policies in force against one product. Retired policies are left out; draft
 * policies are evaluated but never block (callers show them to governance admins only). An
 * `error` outcome of an enforced error-severity policy blocks: governance fails closed.
 * @public
 */
export function evaluateGovernance(
  policies: CompiledPolicy[],
  context: RuleContext | RuleContextInput,
  options: EvaluateRuleOptions = {},
): Governance {
  const results: GovernanceResult[] = [];
  for (const { policy, rule, problem } of policies) {
    if (policy.enforcement === 'retired') continue;
    const { outcome, message } = rule
      ? evaluateRule(rule, context, options)
      : { outcome: 'error' as const, message: problem };
    results.push({
      id: policy.id,
      severity: policy.severity,
      enforcement: policy.enforcement,
      origin: policy.origin,
      ...(policy.domainRef ? { domainRef: policy.domainRef } : {}),
      outcome,
      ...(message === undefined ? {} : { message }),
      blocking: isBlocking(policy, outcome),
    });
  }
  return { compliant: results.every(r => !r.blocking), results };
}

/** What {@link applyWaivers} needs of a waiver. @public */
export interface WaiverLike {
  id: string;
  policyId: string;
  status: string;
  expiresAt: string | Date;
}

/**
 * Turns the failing or erroring outcome of each policy with an approved, unexpired waiver at
 * `now` into `waived`, and recomputes compliance. Results without such a waiver are returned
 * as evaluated, so an expired waiver stops applying by itself.
 * @public
 */
export function applyWaivers(
  results: GovernanceResult[],
  waivers: WaiverLike[],
  now: Date,
): Governance {
  const active = new Map<string, string>();
  for (const waiver of waivers) {
    if (
      waiver.status === 'approved' &&
      new Date(waiver.expiresAt).getTime() > now.getTime()
    ) {
      active.set(waiver.policyId, waiver.id);
    }
  }
  const applied = results.map(result => {
    const waiverId = active.get(result.id);
    if (!waiverId || (result.outcome !== 'fail' && result.outcome !== 'error'))
      return result;
    return {
      ...result,
      outcome: 'waived' as const,
      blocking: false,
      waiverId,
    };
  });
  return { compliant: applied.every(r => !r.blocking), results: applied };
}
