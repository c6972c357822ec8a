export { ProvisionedTables } from './ProvisionedTables';
export type { ProvisionedPortContract } from './ProvisionedTables';
