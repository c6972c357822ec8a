export { DataProductScoreHistoryCard } from './DataProductScoreHistoryCard';
