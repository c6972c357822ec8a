export { DomainScorecardCard, GroupScorecardCard } from './ScorecardRollupCard';
