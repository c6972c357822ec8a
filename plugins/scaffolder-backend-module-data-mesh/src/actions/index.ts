export { createProductDescriptorAction } from './productDescriptor';
