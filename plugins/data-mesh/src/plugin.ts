import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';

/**
 * The data mesh plugin for apps on the legacy frontend system.
 * @public
 */
export const dataMeshPlugin = createPlugin({
  id: 'data-mesh',
});

/**
 * Legacy-system card with a data product's headline facts, for the DataProduct entity page.
 * @public
 */
export const EntityDataProductOverviewCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductOverviewCard',
    component: {
      lazy: () =>
        import('./components/DataProductOverviewCard').then(
          m => m.DataProductOverviewCard,
        ),
    },
  }),
);
