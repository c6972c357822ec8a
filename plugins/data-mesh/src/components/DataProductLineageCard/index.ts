export { DataProductLineageCard } from './DataProductLineageCard';
