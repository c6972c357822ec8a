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

/** The path of a data product's "Schema" tab below its entity page (both systems). */
export const SCHEMA_PATH = 'schema';

/**
 * The path of a data product's "Quality" tab below its entity page (both systems): scorecard,
 * score trend and contract tests. The scorecard's failing contract checks link to it.
 */
export const QUALITY_PATH = 'quality';

/** The path of a data product's "Lineage" tab below its entity page (both systems). */
export const LINEAGE_PATH = 'lineage';

/** The path of a data product's "Governance" tab below its entity page (both systems). */
export const GOVERNANCE_PATH = 'governance';

/**
 * The path of a data product's "Changes" tab below its entity page (both systems): its
 * contracts' versions and diffs. Breaking-change notifications link to it.
 */
export const CHANGES_PATH = 'changes';
