import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The governance dashboard page (legacy frontend system); the new system has its own in
 * `alpha.tsx`.
 * @public
 */
export const governanceRouteRef = createRouteRef({
  id: 'data-mesh-governance',
});
