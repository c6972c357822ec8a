import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The governance dashboard page (legacy frontend system); the new system has its own in
 * `alpha.tsx`.
 * @public
 */
export const governanceRouteRef = createRouteRef({
  id: 'data-mesh-governance',
});

/**
 * The data mesh home page with its explorer, domain map and insight (legacy frontend system);
 * the new system has its own in `alpha.tsx`.
 * @public
 */
export const homeRouteRef = createRouteRef({
  id: 'data-mesh-home',
});

/** The path of a data product's "Contract tests" tab below its entity page (both systems). */
export const CONTRACT_TESTS_PATH = 'contract-tests';

/** The path of a data product's "Access" tab below its entity page (both systems). */
export const ACCESS_PATH = 'access';
