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
import { ACCESS_PATH, CONTRACT_TESTS_PATH } from './routes';

const dataProducts = { kind: 'dataproduct' };

/** Overview card on DataProduct entity pages. @alpha */
export const entityDataProductOverviewCard = EntityCardBlueprint.make({
  name: 'data-product-overview',
  params: {
    type: 'info',
    filter: dataProducts,
    loader: () =>
      import('./components/DataProductOverviewCard').then(m => (
        <m.DataProductOverviewCard />
      )),
  },
});

/** Input and output ports of a DataProduct. @alpha */
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
 * "Contract tests" tab of DataProduct entities: each contract's last run on its data, check by
 * check with what was measured, its trend, and Run now for those allowed. The scorecard's
 * failing contract checks link to it.
 * @alpha
 */
export const entityDataProductContractTestsContent =
  EntityContentBlueprint.make({
    name: 'contract-tests',
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
    // Cards of a page appear in this order: compliance and quality first, then structure, then
    // history.
    entityDataProductOverviewCard,
    entityDataProductGovernanceCard,
    entityDataProductScorecardCard,
    entityDataProductPortsCard,
    entityDataProductLineageCard,
    entityDataProductConsumersCard,
    entityDataProductScoreHistoryCard,
    entityDataProductContractTestsContent,
    entityDataProductAccessContent,
    entityOdcsContractContent,
    entityDomainGovernanceCard,
    entityDomainScorecardCard,
    entityDomainDataProductsCard,
    entityGroupScorecardCard,
    entityGroupDataProductsCard,
    dataProductVerdictFormField,
    dataProductSearchResultListItem,
    dataProductSearchResultType,
  ],
});
