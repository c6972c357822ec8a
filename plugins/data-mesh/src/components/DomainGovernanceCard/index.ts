export { DomainGovernanceCard } from './DomainGovernanceCard';
