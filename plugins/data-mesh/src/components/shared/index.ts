export {
  ComplianceBar,
  compliancePercent,
  ProductCompliance,
} from './Compliance';
export { DataProductTable } from './DataProductTable';
export type { DataProductColumn } from './DataProductTable';
export { DecisionActions } from './DecisionActions';
export type { Decision } from './DecisionActions';
export { DenseTable } from './DenseTable';
export { errorMessage } from './errors';
export { EvaluatedAt, NotEvaluated } from './Evaluation';
export { Field, FieldList } from './FieldList';
export {
  EnforcementChip,
  PolicyOrigin,
  SeverityChip,
  WaiverStatusChip,
} from './GovernanceChips';
export { LevelChip, levelColour } from './LevelChip';
export { isFailing, Remediation, RuleResultList } from './RuleResultList';
export type { RuleResultItem } from './RuleResultList';
export { CollapsedSection, Section } from './Section';
export { StatusChip, ToneChip } from './StatusChip';
export type { Tone } from './StatusChip';
export {
  formatCount,
  formatDate,
  formatDateTime,
  formatIsoDuration,
  formatPercent,
  formatRelativeTime,
  formatValue,
} from './format';
export { SimpleTable } from './SimpleTable';
