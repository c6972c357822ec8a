export { DataProductScorecardCard } from './DataProductScorecardCard';
