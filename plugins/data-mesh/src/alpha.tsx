import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import { DATA_PRODUCT_SEARCH_TYPE } from '@datamesh-portal/plugin-data-mesh-common';
import GavelIcon from '@material-ui/icons/Gavel';
import HubIcon from '@material-ui/icons/DeviceHub';
import { DataMeshClient, dataMeshApiRef } from './api';
import {
  ACCESS_PATH,
  CHANGES_PATH,
  CONTRACT_TESTS_PATH,
  GOVERNANCE_PATH,
  LINEAGE_PATH,
  QUALITY_PATH,
  SCHEMA_PATH,
} from './routes';

const dataProducts = { kind: 'dataproduct' };

/*
 * A DataProduct page: Overview (what it is, quality at a glance, ports with Request access),
 * then the tabs Schema, Quality, Lineage, Access, Governance and Changes, in this order (contents
 * without a group keep the order of the plugin's extensions). Cards of the overview are main
 * column cards: the side column of the catalog's layout scrolls inside itself when it is
 * taller than the window. The cards that moved to a tab stay available, disabled, for apps
 * that want them on the overview.
 */

/** Overview card on DataProduct entity pages: what it is, who owns it, how to get help. @alpha */
export const entityDataProductOverviewCard = EntityCardBlueprint.make({
  name: 'data-product-overview',
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductOverviewCard').then(m => (
        <m.DataProductOverviewCard />
      )),
  },
});

/**
 * On a retired DataProduct's overview: when it was retired, the agreements revoked and whether
 * its tables were dropped or kept. Renders nothing for a product that is not retired.
 * @alpha
 */
export const entityDataProductRetirementCard = EntityCardBlueprint.make({
  name: 'data-product-retirement',
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductRetirement').then(m => (
        <m.EntityDataProductRetirement />
      )),
  },
});

/**
 * Quality at a glance on DataProduct overviews: score and level, compliance, contract tests,
 * service levels promised and measured, linking to the Quality and Governance tabs.
 * @alpha
 */
export const entityDataProductQualitySummaryCard = EntityCardBlueprint.make({
  name: 'data-product-quality-summary',
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPage').then(m => (
        <m.QualitySummaryCard />
      )),
  },
});

/** Input and output ports of a DataProduct, with Request access on output ports. @alpha */
export const entityDataProductPortsCard = EntityCardBlueprint.make({
  name: 'data-product-ports',
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPortsCard').then(m => (
        <m.DataProductPortsCard />
      )),
  },
});

/** Upstream and downstream products of a DataProduct, as a graph. @alpha */
export const entityDataProductLineageCard = EntityCardBlueprint.make({
  name: 'lineage',
  disabled: true,
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductLineageCard').then(m => (
        <m.DataProductLineageCard />
      )),
  },
});

/** Products that read from a DataProduct. @alpha */
export const entityDataProductConsumersCard = EntityCardBlueprint.make({
  name: 'data-product-consumers',
  disabled: true,
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductConsumersCard').then(m => (
        <m.DataProductConsumersCard />
      )),
  },
});

/**
 * "Contract" tab of API entities holding an ODCS data contract. The api-docs plugin has no
 * extension point for definition widgets of other API types, hence a tab of its own.
 * @alpha
 */
export const entityOdcsContractContent = EntityContentBlueprint.make({
  name: 'odcs-contract',
  params: {
    path: '/contract',
    title: 'Contract',
    filter: { kind: 'api', 'spec.type': 'odcs' },
    loader: () =>
      import('./components/OdcsContract').then(m => (
        <m.EntityOdcsContractContent />
      )),
  },
});

/**
 * "Schema" tab of DataProduct entities: each output port's tables and columns from its
 * contract (types, constraints, classification, quality rules) with the latest measured result
 * of each column.
 * @alpha
 */
export const entityDataProductSchemaContent = EntityContentBlueprint.make({
  name: 'schema',
  params: {
    path: `/${SCHEMA_PATH}`,
    title: 'Schema',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPage').then(m => (
        <m.DataProductSchemaContent />
      )),
  },
});

/**
 * "Quality" tab of DataProduct entities: scorecard, score trend and contract tests (each
 * contract's last run check by check, its trend, Run now for those allowed). The scorecard's
 * failing contract checks link to it.
 * @alpha
 */
export const entityDataProductQualityContent = EntityContentBlueprint.make({
  name: 'quality',
  params: {
    path: `/${QUALITY_PATH}`,
    title: 'Quality',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPage').then(m => (
        <m.DataProductQualityContent />
      )),
  },
});

/**
 * "Lineage" tab of DataProduct entities: upstream products on the left, downstream on the
 * right, and the products that read from it.
 * @alpha
 */
export const entityDataProductLineageContent = EntityContentBlueprint.make({
  name: 'lineage',
  params: {
    path: `/${LINEAGE_PATH}`,
    title: 'Lineage',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPage').then(m => (
        <m.DataProductLineageContent />
      )),
  },
});

/**
 * "Governance" tab of DataProduct entities: compliance, policy results with how to comply,
 * waivers; requesting and deciding on waivers for those allowed to.
 * @alpha
 */
export const entityDataProductGovernanceContent = EntityContentBlueprint.make({
  name: 'governance',
  params: {
    path: `/${GOVERNANCE_PATH}`,
    title: 'Governance',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductPage').then(m => (
        <m.DataProductGovernanceContent />
      )),
  },
});

/**
 * "Changes" tab of DataProduct entities: for each contract it provides, the versions the portal
 * has seen and the changes between them with their severity for consumers. Breaking-change
 * notifications link to it.
 * @alpha
 */
export const entityDataProductChangesContent = EntityContentBlueprint.make({
  name: 'changes',
  params: {
    path: `/${CHANGES_PATH}`,
    title: 'Changes',
    filter: dataProducts,
    loader: () =>
      import('./components/ContractChanges').then(m => (
        <m.ContractChangesContent />
      )),
  },
});

/**
 * The contract tests alone as a tab of DataProduct entities; disabled by default, as the
 * Quality tab shows them.
 * @alpha
 */
export const entityDataProductContractTestsContent =
  EntityContentBlueprint.make({
    name: 'contract-tests',
    disabled: true,
    params: {
      path: `/${CONTRACT_TESTS_PATH}`,
      title: 'Contract tests',
      filter: dataProducts,
      loader: () =>
        import('./components/DataProductContractTests').then(m => (
          <m.DataProductContractTestsContent />
        )),
    },
  });

/**
 * "Access" tab of DataProduct entities: its usage agreements with their states and history,
 * Approve / Reject / Revoke for its owners, Request access, and a preview of each output port.
 * @alpha
 */
export const entityDataProductAccessContent = EntityContentBlueprint.make({
  name: 'access',
  params: {
    path: `/${ACCESS_PATH}`,
    title: 'Access',
    filter: dataProducts,
    loader: () =>
      import('./components/Access').then(m => <m.DataProductAccessContent />),
  },
});

/** Data products of a Domain (built-in or data mesh), with its data steward. @alpha */
export const entityDomainDataProductsCard = EntityCardBlueprint.make({
  name: 'domain-data-products',
  params: {
    type: 'content',
    filter: { kind: 'domain' },
    loader: () =>
      import('./components/DomainDataProductsCard').then(m => (
        <m.DomainDataProductsCard />
      )),
  },
});

/** Data products owned by a Group. @alpha */
export const entityGroupDataProductsCard = EntityCardBlueprint.make({
  name: 'group-data-products',
  params: {
    type: 'content',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/GroupDataProductsCard').then(m => (
        <m.GroupDataProductsCard />
      )),
  },
});

/** The client of the data mesh backend (`dataMeshApiRef`). @alpha */
export const dataMeshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dataMeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DataMeshClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Scorecard of a DataProduct: score, level, checks by category with how to fix failures, and
 * an "Evaluate now" button for owners.
 * @alpha
 */
export const entityDataProductScorecardCard = EntityCardBlueprint.make({
  name: 'scorecard',
  // On the Quality or Governance tab; an app may enable it on the overview.
  disabled: true,
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductScorecardCard').then(m => (
        <m.DataProductScorecardCard />
      )),
  },
});

/** Score of a DataProduct over time. @alpha */
export const entityDataProductScoreHistoryCard = EntityCardBlueprint.make({
  name: 'scorecard-history',
  // On the Quality or Governance tab; an app may enable it on the overview.
  disabled: true,
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductScoreHistoryCard').then(m => (
        <m.DataProductScoreHistoryCard />
      )),
  },
});

/** Scorecards of the data products of a Domain: average, levels, lowest scores. @alpha */
export const entityDomainScorecardCard = EntityCardBlueprint.make({
  name: 'domain-scorecard',
  params: {
    type: 'content',
    filter: { kind: 'domain' },
    loader: () =>
      import('./components/ScorecardRollupCard').then(m => (
        <m.DomainScorecardCard />
      )),
  },
});

/** Scorecards of the data products a Group owns: average, levels, lowest scores. @alpha */
export const entityGroupScorecardCard = EntityCardBlueprint.make({
  name: 'group-scorecard',
  params: {
    type: 'content',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/ScorecardRollupCard').then(m => (
        <m.GroupScorecardCard />
      )),
  },
});

/**
 * Governance of a DataProduct: compliant or not, policy results with how to comply, waivers;
 * requesting waivers and deciding on them for those allowed to.
 * @alpha
 */
export const entityDataProductGovernanceCard = EntityCardBlueprint.make({
  name: 'governance',
  // On the Quality or Governance tab; an app may enable it on the overview.
  disabled: true,
  params: {
    type: 'content',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductGovernanceCard').then(m => (
        <m.DataProductGovernanceCard />
      )),
  },
});

/** Governance of a data mesh Domain: its policies and its products' compliance. @alpha */
export const entityDomainGovernanceCard = EntityCardBlueprint.make({
  name: 'domain-governance',
  params: {
    type: 'content',
    // Only data mesh domains have policies of their own.
    filter: { kind: 'domain', apiVersion: 'datamesh-portal.io/v1alpha1' },
    loader: () =>
      import('./components/DomainGovernanceCard').then(m => (
        <m.DomainGovernanceCard />
      )),
  },
});

/** The governance dashboard page's route. @alpha */
export const governanceRouteRef = createRouteRef();

/**
 * The mesh's governance dashboard at `/data-mesh/governance`, with its "Governance" nav item
 * (from the page's title and icon).
 * @alpha
 */
export const governancePage = PageBlueprint.make({
  name: 'governance',
  params: {
    path: '/data-mesh/governance',
    title: 'Governance',
    icon: <GavelIcon fontSize="inherit" />,
    routeRef: governanceRouteRef,
    loader: () =>
      import('./components/GovernanceDashboardPage').then(m => (
        <m.GovernanceDashboard />
      )),
  },
});

/** The data mesh home page's route. @alpha */
export const homeRouteRef = createRouteRef();

/**
 * The data mesh home at `/data-mesh`, with its "Data mesh" nav item; its tabs are the
 * `sub-page:data-mesh/*` extensions attached to it (explorer, domain map, insight), and it
 * opens on the first of them.
 * @alpha
 */
export const homePage = PageBlueprint.make({
  params: {
    path: '/data-mesh',
    title: 'Data mesh',
    icon: <HubIcon fontSize="inherit" />,
    routeRef: homeRouteRef,
  },
});

/** The explorer tab of the data mesh home: search, filter and sort data products. @alpha */
export const explorerSubPage = SubPageBlueprint.make({
  name: 'explorer',
  attachTo: { id: 'page:data-mesh', input: 'pages' },
  params: {
    path: 'explorer',
    title: 'Explorer',
    loader: () =>
      import('./components/DataMeshHomePage').then(m => (
        <m.ProductExplorerContent />
      )),
  },
});

/** The domain map tab of the data mesh home: domains, products and lineage. @alpha */
export const domainMapSubPage = SubPageBlueprint.make({
  name: 'domain-map',
  attachTo: { id: 'page:data-mesh', input: 'pages' },
  params: {
    path: 'domain-map',
    title: 'Domain map',
    loader: () =>
      import('./components/DataMeshHomePage').then(m => <m.DomainMapContent />),
  },
});

/** The insight tab of the data mesh home: scores and compliance of the mesh. @alpha */
export const insightSubPage = SubPageBlueprint.make({
  name: 'insight',
  attachTo: { id: 'page:data-mesh', input: 'pages' },
  params: {
    path: 'insight',
    title: 'Insight',
    loader: () =>
      import('./components/DataMeshHomePage').then(m => (
        <m.MeshInsightContent />
      )),
  },
});

/**
 * The "My access" tab of the data mesh home: the access requests of the user's teams, and
 * those awaiting their decision.
 * @alpha
 */
export const myAccessSubPage = SubPageBlueprint.make({
  name: 'my-access',
  attachTo: { id: 'page:data-mesh', input: 'pages' },
  params: {
    path: 'my-access',
    title: 'My access',
    loader: () =>
      import('./components/Access').then(m => <m.MyAccessRequestsContent />),
  },
});

/**
 * Scaffolder field `OutputPortTables` (`ui:field: OutputPortTables`): the data server a new
 * product's tables are created on, among those of its domain, and the DDL they take.
 * @alpha
 */
export const outputPortTablesFormField = FormFieldBlueprint.make({
  name: 'output-port-tables',
  params: {
    field: () =>
      import('./components/OutputPortTablesField/formField').then(
        m => m.OutputPortTables,
      ),
  },
});

/**
 * Scaffolder field `DataProductVerdict` (`ui:field: DataProductVerdict`): the live governance
 * verdict on the data product a "new data product" form describes. Attaches to the scaffolder
 * plugin's form fields.
 * @alpha
 */
export const dataProductVerdictFormField = FormFieldBlueprint.make({
  name: 'data-product-verdict',
  params: {
    field: () =>
      import('./components/DataProductVerdictField/formField').then(
        m => m.DataProductVerdict,
      ),
  },
});

/**
 * Data products in the portal's search results, with their domain, owner, level and compliance
 * (results of type `data-product`, from the data mesh search collator).
 * @alpha
 */
export const dataProductSearchResultListItem =
  SearchResultListItemBlueprint.make({
    name: 'data-product',
    params: {
      predicate: result => result.type === DATA_PRODUCT_SEARCH_TYPE,
      component: () =>
        import('./components/DataProductSearchResultListItem').then(
          m => m.DataProductSearchResultListItem,
        ),
    },
  });

/** "Data products" among the search page's result types. @alpha */
export const dataProductSearchResultType = SearchFilterResultTypeBlueprint.make(
  {
    name: 'data-product',
    params: {
      value: DATA_PRODUCT_SEARCH_TYPE,
      name: 'Data products',
      icon: <HubIcon />,
    },
  },
);

/**
 * The data mesh plugin for the new frontend system; apps with feature discovery pick it up
 * from the package's `alpha` export.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'data-mesh',
  routes: { governance: governanceRouteRef, home: homeRouteRef },
  extensions: [
    dataMeshApi,
    homePage,
    explorerSubPage,
    domainMapSubPage,
    insightSubPage,
    myAccessSubPage,
    governancePage,
    // The overview's cards in this order: retirement (retired products only), what it is,
    // quality at a glance, how to get it.
    entityDataProductRetirementCard,
    entityDataProductOverviewCard,
    entityDataProductQualitySummaryCard,
    entityDataProductPortsCard,
    // The tabs of a DataProduct page, in this order.
    entityDataProductSchemaContent,
    entityDataProductQualityContent,
    entityDataProductLineageContent,
    entityDataProductAccessContent,
    entityDataProductGovernanceContent,
    entityDataProductChangesContent,
    // Disabled by default: shown on the tabs above.
    entityDataProductGovernanceCard,
    entityDataProductScorecardCard,
    entityDataProductLineageCard,
    entityDataProductConsumersCard,
    entityDataProductScoreHistoryCard,
    entityDataProductContractTestsContent,
    entityOdcsContractContent,
    entityDomainGovernanceCard,
    entityDomainScorecardCard,
    entityDomainDataProductsCard,
    entityGroupScorecardCard,
    entityGroupDataProductsCard,
    dataProductVerdictFormField,
    outputPortTablesFormField,
    dataProductSearchResultListItem,
    dataProductSearchResultType,
  ],
});
