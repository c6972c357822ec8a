export { diffContracts } from './diffContracts';
export { MAX_CONTRACT_CHANGES } from './changes';
export { CONTRACT_CHANGE_RULES, MORE_CHANGES_RULE } from './rules';
export type {
  ChangeSeverity,
  ContractChange,
  ContractChangeRule,
  ContractChangeRuleId,
} from './rules';
export { bumpCovers, declaredBump, nextVersion, requiredBump } from './version';
export type { VersionBump } from './version';
