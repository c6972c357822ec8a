import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** Overview card on DataProduct entity pages. @alpha */
export const entityDataProductOverviewCard = EntityCardBlueprint.make({
  name: 'data-product-overview',
  params: {
    type: 'info',
    filter: { kind: 'dataproduct' },
    loader: () =>
      import('./components/DataProductOverviewCard').then(m => (
        <m.DataProductOverviewCard />
      )),
  },
});

/**
 * The data mesh plugin for the new frontend system; apps with feature discovery pick it up
 * from the package's `alpha` export.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'data-mesh',
  extensions: [entityDataProductOverviewCard],
});
