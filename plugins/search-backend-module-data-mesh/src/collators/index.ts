export { DataProductCollatorFactory } from './DataProductCollatorFactory';
export type { DataProductCollatorFactoryOptions } from './DataProductCollatorFactory';
