export { createProductDescriptorAction } from './productDescriptor';
export {
  createContractCreateAction,
  ODCS_LOGICAL_TYPES,
} from './contractCreate';
export { createGovernanceCheckAction } from './governanceCheck';
export { createProductDeprecateAction } from './productDeprecate';
export {
  createPublishLocalAction,
  LOCAL_PUBLISH_DIRECTORY_CONFIG,
} from './publishLocal';
export { createProvisionOutputPortsAction } from './provisionOutputPorts';
export { createRunContractTestsAction } from './runContractTests';
