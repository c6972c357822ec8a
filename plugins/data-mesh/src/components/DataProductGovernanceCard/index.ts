export { DataProductGovernanceCard } from './DataProductGovernanceCard';
