export { RequestWaiverDialog } from './RequestWaiverDialog';
export { WaiverTable } from './WaiverTable';
export type { WaiverColumn } from './WaiverTable';
export {
  useCanDecideWaivers,
  useCanRequestWaiver,
} from './useWaiverPermissions';
