export { DataProductTable } from './DataProductTable';
export type { DataProductColumn } from './DataProductTable';
export { Field, FieldList } from './FieldList';
export { StatusChip } from './StatusChip';
export { formatIsoDuration, formatPercent, formatValue } from './format';
export { SimpleTable } from './SimpleTable';
