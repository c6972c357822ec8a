export { EntityOdcsContractContent } from './EntityOdcsContractContent';
export { OdcsContractView } from './OdcsContractView';
export { odcsApiDefinitionWidget } from './odcsApiDefinitionWidget';
