/**
 * `data-mesh-check`: checks local data product descriptors against the data mesh scorecard
 * checks and governance policies, with the same engine and rules as the portal, offline or
 * through a portal's dry run; and tests ODCS data contracts against their data with the
 * portal's contract test engine (`data-mesh-check test`); and checks that a contract's new
 * version covers its changes (`data-mesh-check diff`).
 *
 * @packageDocumentation
 */
export {
  checkDescriptors,
  runCheck,
  validateFacts,
  type CheckDescriptorsOptions,
  type CheckReport,
  type DataProductVerdict,
  type Facts,
  type ProductReport,
} from './check';
export {
  formatTestJson,
  formatTestJunit,
  formatTestText,
  type TestedContract,
} from './contractTests/format';
export {
  runContractTests,
  type RunContractTestsOptions,
} from './contractTests/runContractTests';
export { TEST_EXIT_CODES, TEST_USAGE } from './contractTests/testCommand';
export {
  compareContracts,
  DIFF_EXIT_CODES,
  DIFF_USAGE,
  formatDiffJson,
  formatDiffText,
  type ContractDiffReport,
} from './diff';
export { CheckInputError } from './errors';
export { formatJson, formatText, UNRESOLVED_NOTE } from './format';
export { LocalContractLookup } from './LocalContractLookup';
export { EXIT_CODES, main, USAGE, type MainIo } from './main';
