import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  EvaluateResponse,
  GovernancePolicyDefinition,
  ScorecardCheckDefinition,
} from '../api';
import { DataProductEntityV1alpha1, parseDataMeshRef } from '../kinds';
import { entityRefKey } from '../util/entityRefKey';
import {
  createRuleContext,
  RuleContext,
  RuleContextError,
  RuleContextInput,
  RuleTimestamp,
} from './context';
import { RuleDeadline } from './deadline';
import { CompiledRule } from './engine';
import { RuleCompileError, RuleCompileProblem } from './errors';
import {
  applyWaivers,
  compileGovernancePolicies,
  CompiledPolicy,
  evaluateGovernance,
  PolicyResolver,
  PolicyResolverOptions,
  WaiverLike,
} from './governance';
import { DEFAULT_PRODUCT_TIME_LIMIT_MS } from './limits';
import {
  capScorecardLevel,
  compileScorecardChecks,
  evaluateScorecard,
} from './scorecard';

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => entityRefKey(r.targetRef));
}

/**
 * The entities a product's rules read, as lowercase refs: its domain, its owner, its upstream
 * products (from its `dependsOn` relations) and the contracts it provides.
 * @public
 */
export function productRelatedRefs(product: Entity): {
  domain?: string;
  owner?: string;
  upstream: string[];
  contracts: string[];
} {
  const spec = product.spec as DataProductEntityV1alpha1['spec'];
  const ref = (value: unknown, field: 'domain' | 'owner') => {
    if (typeof value !== 'string' || !value) return undefined;
    try {
      return entityRefKey(parseDataMeshRef(value, field, product));
    } catch {
      return undefined;
    }
  };
  return {
    domain: ref(spec?.domain, 'domain'),
    owner: ref(spec?.owner, 'owner'),
    upstream: relationTargets(product, RELATION_DEPENDS_ON),
    contracts: relationTargets(product, RELATION_PROVIDES_API),
  };
}

/**
 * Facts the catalog itself knows about a product, as rules read them under `facts.catalog`:
 * counts of its ports, the contracts it provides that exist in the catalog (so passed ODCS
 * validation), the products it reads from and that read from it.
 * @public
 */
export function catalogFacts(
  product: Entity,
  findEntity: (ref: string) => Entity | undefined,
): JsonObject {
  const spec = product.spec as Partial<DataProductEntityV1alpha1['spec']>;
  return {
    outputPorts: spec?.outputPorts?.length ?? 0,
    inputPorts: spec?.inputPorts?.length ?? 0,
    contracts: relationTargets(product, RELATION_PROVIDES_API).filter(ref =>
      findEntity(ref),
    ).length,
    upstream: relationTargets(product, RELATION_DEPENDS_ON).length,
    consumers: relationTargets(product, RELATION_DEPENDENCY_OF).length,
  };
}

/**
 * The context a product's rules are evaluated against: the product, its domain, owner and
 * upstream products found by `findEntity` (null or left out when not found), the catalog's
 * facts and the given facts of other sources.
 * @public
 */
export function productRuleContext(
  product: Entity,
  options: {
    /** An entity by lowercase ref, or undefined. */
    findEntity: (ref: string) => Entity | undefined;
    facts?: Record<string, JsonObject>;
    observedAt?: Record<string, RuleTimestamp>;
    now: Date;
  },
): RuleContextInput {
  const refs = productRelatedRefs(product);
  const find = (ref: string | undefined) =>
    (ref && options.findEntity(ref)) || null;
  return {
    entity: product,
    domain: find(refs.domain),
    owner: find(refs.owner),
    upstream: refs.upstream.flatMap(ref => {
      const upstream = options.findEntity(ref);
      return upstream ? [upstream] : [];
    }),
    facts: {
      ...options.facts,
      catalog: catalogFacts(product, options.findEntity),
    },
    observedAt: { catalog: options.now, ...options.observedAt },
    now: options.now,
  };
}

/** The scorecard and governance settings a {@link DataProductEvaluator} applies. @public */
export interface DataProductRules {
  levels: string[];
  checks: ScorecardCheckDefinition[];
  /** The global policies. */
  policies: GovernancePolicyDefinition[];
}

/** Options of {@link DataProductEvaluator}. @public */
export interface DataProductEvaluatorOptions extends PolicyResolverOptions {
  /**
   * How long the checks and policies of one product may run in one evaluation, in
   * milliseconds; default {@link DEFAULT_PRODUCT_TIME_LIMIT_MS}. Those still running then, or
   * not started, end in `error`.
   */
  timeLimitMs?: number;
  /** Milliseconds of a monotonic clock, which the time limit is read on; tests move one. */
  clock?: () => number;
}

/**
 * Evaluates products against the scorecard checks and the governance policies: the one engine
 * behind the dry run, the command-line check and the continuous evaluation, so all three give
 * the same verdict on the same product. Everything global is compiled when it is created,
 * which throws one {@link RuleCompileError} naming every bad check and policy. Each product's
 * rules run under a time limit of their own, so a product whose rules run long (a hostile
 * domain's policies) gets `error` outcomes and costs the others nothing.
 * @public
 */
export class DataProductEvaluator {
  readonly policies: PolicyResolver;
  private readonly compiledChecks: CompiledRule[];

  constructor(
    readonly rules: DataProductRules,
    private readonly options: DataProductEvaluatorOptions = {},
  ) {
    const problems: RuleCompileProblem[] = [];
    const collect = <T>(compile: () => T[]): T[] => {
      try {
        return compile();
      } catch (e) {
        if (!(e instanceof RuleCompileError)) throw e;
        problems.push(...e.problems);
        return [];
      }
    };
    this.compiledChecks = collect(() =>
      compileScorecardChecks(rules.checks, rules.levels, options),
    );
    const global = collect(() =>
      compileGovernancePolicies(rules.policies, { origin: 'global' }, options),
    );
    if (problems.length) throw new RuleCompileError(problems);
    this.policies = new PolicyResolver(global, options);
  }

  /** The policies in force for a product of `domain`. */
  policiesFor(
    domain: Entity | null | undefined,
    findDomain: (ref: string) => Entity | undefined,
  ): CompiledPolicy[] {
    return this.policies.forDomain(domain, findDomain);
  }

  /**
   * Scorecard and governance results of one product, waivers not applied to the governance
   * results. `findDomain` finds the parent domains whose policies also apply. The scorecard's
   * level is capped while the product is not compliant (`capScorecardLevel`), with `waivers`
   * (those in force at `now`) applied to decide it.
   */
  evaluate(
    input: RuleContextInput,
    findDomain: (ref: string) => Entity | undefined,
    options: { waivers?: WaiverLike[]; now?: Date } = {},
  ): EvaluateResponse {
    // Compiled before the clock starts: a domain's policies compile once for all its products.
    const policies = this.policiesFor(
      input.domain as Entity | null,
      findDomain,
    );
    const deadline = new RuleDeadline(
      this.options.timeLimitMs ?? DEFAULT_PRODUCT_TIME_LIMIT_MS,
      this.options.clock,
    );
    // Prepared once for every check and policy; a context that breaks its bounds makes each
    // of them an error, which the evaluators report.
    let context: RuleContext | RuleContextInput = input;
    try {
      context = createRuleContext(input);
    } catch (e) {
      if (!(e instanceof RuleContextError)) throw e;
    }
    const { checks, levels } = this.rules;
    const scorecard = evaluateScorecard(
      this.compiledChecks,
      checks,
      levels,
      context,
      { deadline },
    );
    const governance = evaluateGovernance(policies, context, { deadline });
    const verdict = options.waivers?.length
      ? applyWaivers(
          governance.results,
          options.waivers,
          options.now ?? new Date(),
        )
      : governance;
    return {
      scorecard: capScorecardLevel(
        scorecard,
        levels,
        verdict,
        id => policies.find(p => p.policy.id === id)?.policy.title,
      ),
      governance,
    };
  }
}
