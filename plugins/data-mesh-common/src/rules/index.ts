export {
  compileRule,
  compileRules,
  evaluateRule,
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
export { RuleCompileError, type RuleCompileProblem } from './errors';
export {
  DEFAULT_RULE_CONTEXT_LIMITS,
  DEFAULT_RULE_LIMITS,
  type RuleContextLimits,
  type RuleLimits,
} from './limits';
export { RULE_VARIABLES } from './environment';
export { compileScorecardChecks, evaluateScorecard } from './scorecard';
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
  type PolicySource,
  type ShadowedPolicy,
  type WaiverLike,
} from './governance';
export {
  catalogFacts,
  DataProductEvaluator,
  productRelatedRefs,
  productRuleContext,
  type DataProductRules,
} from './product';
