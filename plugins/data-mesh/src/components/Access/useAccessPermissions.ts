import { usePermission } from '@backstage/plugin-permission-react';
import {
  dataMeshAccessDecidePermission,
  dataMeshAccessRequestPermission,
} from '@datamesh-portal/plugin-data-mesh-common';

/** Whether the user may approve, reject and revoke the product's agreements: its owners. */
export function useCanDecideAccess(productRef: string): boolean {
  return usePermission({
    permission: dataMeshAccessDecidePermission,
    resourceRef: productRef,
  }).allowed;
}

/** Whether the user may request access to the product's output ports. */
export function useCanRequestAccess(productRef: string): boolean {
  return usePermission({
    permission: dataMeshAccessRequestPermission,
    resourceRef: productRef,
  }).allowed;
}
