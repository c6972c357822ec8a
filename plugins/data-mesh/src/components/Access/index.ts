export { DataProductAccessContent } from './DataProductAccessContent';
export { MyAccessRequests, MyAccessRequestsContent } from './MyAccessRequests';
export { RequestAccessButton } from './RequestAccessDialog';
