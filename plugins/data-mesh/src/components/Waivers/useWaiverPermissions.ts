import { usePermission } from '@backstage/plugin-permission-react';
import {
  dataMeshWaiverDecidePermission,
  dataMeshWaiverRequestPermission,
} from '@datamesh-portal/plugin-data-mesh-common';

/** Whether the user may approve, reject and revoke waivers: governance admins. */
export function useCanDecideWaivers(): boolean {
  return usePermission({ permission: dataMeshWaiverDecidePermission }).allowed;
}

/** Whether the user may request waivers for the product, typically its owners. */
export function useCanRequestWaiver(entityRef: string): boolean {
  return usePermission({
    permission: dataMeshWaiverRequestPermission,
    resourceRef: entityRef,
  }).allowed;
}
