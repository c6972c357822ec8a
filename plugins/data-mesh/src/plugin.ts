import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import { DATA_PRODUCT_SEARCH_TYPE } from '@datamesh-portal/plugin-data-mesh-common';
import { DataMeshClient, dataMeshApiRef } from './api';
import {
  DATA_PRODUCT_VERDICT_FIELD_NAME,
  DataProductVerdictField,
  DataProductVerdictFieldSchema,
} from './components/DataProductVerdictField';
import { governanceRouteRef, homeRouteRef } from './routes';
import type { DataProductSearchResultListItemProps } from './components/DataProductSearchResultListItem';

/**
 * The data mesh plugin for apps on the legacy frontend system.
 * @public
 */
export const dataMeshPlugin = createPlugin({
  id: 'data-mesh',
  routes: { governance: governanceRouteRef, home: homeRouteRef },
  apis: [
    createApiFactory({
      api: dataMeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DataMeshClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Legacy-system card with a data product's headline facts, for the DataProduct entity page.
 * @public
 */
export const EntityDataProductOverviewCard: () => JSX.Element =
  dataMeshPlugin.provide(
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

/**
 * Legacy-system card with a data product's input and output ports.
 * @public
 */
export const EntityDataProductPortsCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductPortsCard',
      component: {
        lazy: () =>
          import('./components/DataProductPortsCard').then(
            m => m.DataProductPortsCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with a data product's lineage graph; needs the catalog graph plugin.
 * @public
 */
export const EntityDataProductLineageCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductLineageCard',
      component: {
        lazy: () =>
          import('./components/DataProductLineageCard').then(
            m => m.DataProductLineageCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with the products that read from a data product.
 * @public
 */
export const EntityDataProductConsumersCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductConsumersCard',
      component: {
        lazy: () =>
          import('./components/DataProductConsumersCard').then(
            m => m.DataProductConsumersCard,
          ),
      },
    }),
  );

/**
 * Legacy-system content with the ODCS data contract of an API entity (`spec.type: odcs`).
 * @public
 */
export const EntityOdcsContractContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityOdcsContractContent',
      component: {
        lazy: () =>
          import('./components/OdcsContract').then(
            m => m.EntityOdcsContractContent,
          ),
      },
    }),
  );

/**
 * Legacy-system card with the data products of a domain and its data steward.
 * @public
 */
export const EntityDomainDataProductsCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDomainDataProductsCard',
      component: {
        lazy: () =>
          import('./components/DomainDataProductsCard').then(
            m => m.DomainDataProductsCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with the data products owned by a group.
 * @public
 */
export const EntityGroupDataProductsCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityGroupDataProductsCard',
      component: {
        lazy: () =>
          import('./components/GroupDataProductsCard').then(
            m => m.GroupDataProductsCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with a data product's scorecard: score, level, checks and how to fix
 * failures, and an "Evaluate now" button for owners.
 * @public
 */
export const EntityDataProductScorecardCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductScorecardCard',
      component: {
        lazy: () =>
          import('./components/DataProductScorecardCard').then(
            m => m.DataProductScorecardCard,
          ),
      },
    }),
  );

/**
 * Legacy-system content with a data product's contract tests: every check of the last run of
 * each contract with what was measured, the trend of failed checks, and Run now for those
 * allowed. {@link EntityDataProductQualityContent} (mounted at `/quality`, where the
 * scorecard's failing contract checks link) includes it.
 * @public
 */
export const EntityDataProductContractTestsContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductContractTestsContent',
      component: {
        lazy: () =>
          import('./components/DataProductContractTests').then(
            m => m.DataProductContractTestsContent,
          ),
      },
    }),
  );

/**
 * Legacy-system content for a data product's "Access" tab: its usage agreements, decisions for
 * its owners, Request access and a preview of each output port. Mount it at `/access`
 * (`<EntityLayout.Route path="/access" ...>`).
 * @public
 */
export const EntityDataProductAccessContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductAccessContent',
      component: {
        lazy: () =>
          import('./components/Access').then(m => m.DataProductAccessContent),
      },
    }),
  );

/**
 * Legacy-system card with a data product's score over time.
 * @public
 */
export const EntityDataProductScoreHistoryCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductScoreHistoryCard',
      component: {
        lazy: () =>
          import('./components/DataProductScoreHistoryCard').then(
            m => m.DataProductScoreHistoryCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with the scorecards of a domain's data products: average score, levels,
 * lowest scores.
 * @public
 */
export const EntityDomainScorecardCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDomainScorecardCard',
      component: {
        lazy: () =>
          import('./components/ScorecardRollupCard').then(
            m => m.DomainScorecardCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with the scorecards of the data products a group owns: average score,
 * levels, lowest scores.
 * @public
 */
export const EntityGroupScorecardCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityGroupScorecardCard',
      component: {
        lazy: () =>
          import('./components/ScorecardRollupCard').then(
            m => m.GroupScorecardCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with a data product's governance: compliant or not, policy results with
 * how to comply, waivers; requesting waivers and deciding on them for those allowed to.
 * @public
 */
export const EntityDataProductGovernanceCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductGovernanceCard',
      component: {
        lazy: () =>
          import('./components/DataProductGovernanceCard').then(
            m => m.DataProductGovernanceCard,
          ),
      },
    }),
  );

/**
 * Legacy-system card with a data mesh domain's own policies, what it inherits and its
 * products' compliance.
 * @public
 */
export const EntityDomainGovernanceCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDomainGovernanceCard',
      component: {
        lazy: () =>
          import('./components/DomainGovernanceCard').then(
            m => m.DomainGovernanceCard,
          ),
      },
    }),
  );

/**
 * Legacy-system page with the mesh's governance dashboard; mount it at
 * `/data-mesh/governance`.
 * @public
 */
export const GovernanceDashboardPage: () => JSX.Element =
  dataMeshPlugin.provide(
    createRoutableExtension({
      name: 'GovernanceDashboardPage',
      component: () =>
        import('./components/GovernanceDashboardPage').then(
          m => m.GovernanceDashboardPage,
        ),
      mountPoint: governanceRouteRef,
    }),
  );

/**
 * Legacy-system data mesh home with the tabs Explorer, Domain map and Insight; mount it at
 * `/data-mesh` (it handles its sub-paths, so the route must not be `exact`).
 * @public
 */
export const DataMeshHomePage: () => JSX.Element = dataMeshPlugin.provide(
  createRoutableExtension({
    name: 'DataMeshHomePage',
    component: () =>
      import('./components/DataMeshHomePage').then(m => m.DataMeshHomePage),
    mountPoint: homeRouteRef,
  }),
);

/**
 * Legacy-system scaffolder field `DataProductVerdict` (`ui:field: DataProductVerdict`): the
 * live governance verdict on the data product a "new data product" form describes. Put it in
 * the scaffolder page's `<ScaffolderFieldExtensions>`; it brings the data mesh plugin, and so
 * its API, with it.
 * @public
 */
export const DataProductVerdictFieldExtension = dataMeshPlugin.provide(
  createScaffolderFieldExtension({
    name: DATA_PRODUCT_VERDICT_FIELD_NAME,
    component: DataProductVerdictField,
    schema: DataProductVerdictFieldSchema.schema,
  }),
);

/**
 * Legacy-system search result of a data product, with its domain, owner, level and compliance:
 * put it in the search page's `<SearchResult>`; it renders only `data-product` results.
 * @public
 */
export const DataProductSearchResultListItem: (
  props: DataProductSearchResultListItemProps,
) => JSX.Element | null = dataMeshPlugin.provide(
  createSearchResultListItemExtension({
    name: 'DataProductSearchResultListItem',
    component: () =>
      import('./components/DataProductSearchResultListItem').then(
        m => m.DataProductSearchResultListItem,
      ),
    predicate: result => result.type === DATA_PRODUCT_SEARCH_TYPE,
  }),
);

/**
 * Legacy-system card with a data product's quality at a glance: score and level, compliance,
 * contract tests, and its service levels promised and measured; for its overview.
 * @public
 */
export const EntityDataProductQualitySummaryCard: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductQualitySummaryCard',
      component: {
        lazy: () =>
          import('./components/DataProductPage').then(
            m => m.QualitySummaryCard,
          ),
      },
    }),
  );

/**
 * Legacy-system content for a data product's "Schema" tab: each output port's tables and
 * columns from its contract with the latest measured result of each column. Mount it at
 * `/schema`.
 * @public
 */
export const EntityDataProductSchemaContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductSchemaContent',
      component: {
        lazy: () =>
          import('./components/DataProductPage').then(
            m => m.DataProductSchemaContent,
          ),
      },
    }),
  );

/**
 * Legacy-system content for a data product's "Quality" tab: scorecard, score trend and
 * contract tests. Mount it at `/quality`: the scorecard's failing contract checks link there.
 * @public
 */
export const EntityDataProductQualityContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductQualityContent',
      component: {
        lazy: () =>
          import('./components/DataProductPage').then(
            m => m.DataProductQualityContent,
          ),
      },
    }),
  );

/**
 * Legacy-system content for a data product's "Lineage" tab: the lineage graph and the
 * products reading from it. Mount it at `/lineage`.
 * @public
 */
export const EntityDataProductLineageContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductLineageContent',
      component: {
        lazy: () =>
          import('./components/DataProductPage').then(
            m => m.DataProductLineageContent,
          ),
      },
    }),
  );

/**
 * Legacy-system content for a data product's "Governance" tab: compliance, policy results,
 * waivers. Mount it at `/governance`: the overview's quality card links there.
 * @public
 */
export const EntityDataProductGovernanceContent: () => JSX.Element =
  dataMeshPlugin.provide(
    createComponentExtension({
      name: 'EntityDataProductGovernanceContent',
      component: {
        lazy: () =>
          import('./components/DataProductPage').then(
            m => m.DataProductGovernanceContent,
          ),
      },
    }),
  );
