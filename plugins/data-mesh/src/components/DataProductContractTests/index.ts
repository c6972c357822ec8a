export { DataProductContractTestsContent } from './DataProductContractTestsContent';
export {
  CHECKS_WITH_CONTRACT_TEST_EVIDENCE,
  ContractTestsEvidenceLink,
} from './ContractTestsEvidenceLink';
