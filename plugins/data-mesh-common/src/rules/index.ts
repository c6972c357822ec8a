export {
  compileRule,
  compileRules,
  evaluateRule,
  type EvaluateRuleOptions,
  type CompiledRule,
  type CompileRuleOptions,
  type RuleDefinition,
  type RuleResult,
} from './engine';
export {
  createRuleContext,
  RuleContextError,
  type RuleContext,
  type RuleContextInput,
  type RuleEntity,
  type RuleTimestamp,
  type RuleVariables,
} from './context';
export { RuleDeadline } from './deadline';
export { RuleCompileError, type RuleCompileProblem } from './errors';
export {
  DEFAULT_MAX_POLICIES_PER_DOMAIN,
  DEFAULT_PRODUCT_TIME_LIMIT_MS,
  DEFAULT_RULE_CONTEXT_LIMITS,
  DEFAULT_RULE_LIMITS,
  type RuleContextLimits,
  type RuleLimits,
} from './limits';
export { RULE_VARIABLES } from './environment';
export {
  capScorecardLevel,
  compileScorecardChecks,
  evaluateScorecard,
} from './scorecard';
export { DEFAULT_SCORECARD_CHECKS, DEFAULT_SCORECARD_LEVELS } from './defaults';
export { DEFAULT_GOVERNANCE_POLICIES } from './defaults';
export {
  applyWaivers,
  compileDomainPolicies,
  compileGovernancePolicies,
  domainAncestry,
  evaluateGovernance,
  isBlocking,
  mergePolicies,
  PolicyResolver,
  POLICY_ENFORCEMENTS,
  POLICY_SEVERITIES,
  type CompiledPolicy,
  type PolicyResolverOptions,
  type PolicySource,
  type ShadowedPolicy,
  type WaiverLike,
} from './governance';
export {
  catalogFacts,
  DataProductEvaluator,
  productRelatedRefs,
  productRuleContext,
  type DataProductEvaluatorOptions,
  type DataProductRules,
} from './product';
