export { ContractChanges, ContractDiff, SeverityChip } from './ContractChanges';
export { ContractChangesContent } from './ContractChangesContent';
