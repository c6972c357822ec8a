export { DataProductTable } from './DataProductTable';
export type { DataProductColumn } from './DataProductTable';
export { Field, FieldList } from './FieldList';
export { LevelChip, levelColour } from './LevelChip';
export { StatusChip } from './StatusChip';
export {
  formatDateTime,
  formatIsoDuration,
  formatPercent,
  formatRelativeTime,
  formatValue,
} from './format';
export { SimpleTable } from './SimpleTable';
