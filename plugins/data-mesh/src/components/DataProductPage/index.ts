export { DataProductSchemaContent } from './DataProductSchemaContent';
export { QualitySummaryCard } from './QualitySummaryCard';
export {
  DataProductGovernanceContent,
  DataProductLineageContent,
  DataProductQualityContent,
} from './DataProductTabs';
