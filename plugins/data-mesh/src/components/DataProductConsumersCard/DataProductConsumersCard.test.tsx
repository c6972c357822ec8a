import {
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { entityDataProductConsumersCard } from '../../alpha';
import { component, dataProduct, renderEntityPage } from '../../__testUtils__';

const orders = dataProduct(
  'orders',
  {
    outputPorts: [
      { name: 'table', type: 'table', contract: 'orders-contract' },
      { name: 'events', type: 'topic', contract: 'api:default/order-events' },
    ],
  },
  [
    { type: RELATION_PROVIDES_API, targetRef: 'api:default/orders-contract' },
    { type: RELATION_PROVIDES_API, targetRef: 'api:default/order-events' },
    { type: RELATION_DEPENDENCY_OF, targetRef: 'dataproduct:default/revenue' },
    {
      type: RELATION_DEPENDENCY_OF,
      targetRef: 'dataproduct:finance/ledger',
    },
    // Consumers with an active usage agreement, of every kind.
    { type: RELATION_DEPENDENCY_OF, targetRef: 'component:default/dashboard' },
    { type: RELATION_DEPENDENCY_OF, targetRef: 'group:default/marketing' },
    { type: RELATION_DEPENDENCY_OF, targetRef: 'user:default/ada' },
    // Not in the catalog (yet): left out.
    { type: RELATION_DEPENDENCY_OF, targetRef: 'group:default/gone' },
  ],
);
const revenue = dataProduct(
  'revenue',
  { owner: 'group:finance-team', domain: 'finance', status: 'active' },
  [
    { type: RELATION_DEPENDS_ON, targetRef: 'dataproduct:default/orders' },
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/orders-contract' },
  ],
);
const ledger = {
  ...dataProduct('ledger', {
    owner: 'accounting',
    domain: 'finance',
    status: 'deprecated',
  }),
  metadata: { name: 'ledger', namespace: 'finance', title: 'General Ledger' },
};
const dashboard = {
  ...component,
  metadata: { name: 'dashboard', namespace: 'default' },
  spec: { type: 'website', owner: 'group:web', lifecycle: 'production' },
  relations: [
    { type: RELATION_DEPENDS_ON, targetRef: 'dataproduct:default/orders' },
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/orders-contract' },
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/order-events' },
    // Another product's contract: not shown here.
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/stock-contract' },
  ],
};
const marketing = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'marketing', namespace: 'default', title: 'Marketing' },
  spec: { type: 'team', children: [] },
  relations: [
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/order-events' },
  ],
};
const ada = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'ada', namespace: 'default' },
  spec: {},
  relations: [
    { type: RELATION_CONSUMES_API, targetRef: 'api:default/orders-contract' },
  ],
};
const ENTITIES = [orders, revenue, ledger, dashboard, marketing, ada];

function rowOf(name: string) {
  return screen.getByText(name).closest('tr') as HTMLElement;
}
const linksOf = (row: HTMLElement) =>
  within(row)
    .getAllByRole('link')
    .map(a => a.getAttribute('href'));

describe('data product consumers card', () => {
  it('lists every consumer: products, components, groups and users, with what they use', async () => {
    renderEntityPage(orders, [entityDataProductConsumersCard], {
      apis: [catalogApiMock({ entities: ENTITIES })],
    });

    expect(await screen.findByText('Consumers')).toBeInTheDocument();
    await screen.findByText('revenue');
    const revenueRow = rowOf('revenue');
    expect(linksOf(revenueRow)).toEqual([
      '/catalog/default/dataproduct/revenue',
      '/catalog/default/group/finance-team',
      '/catalog/default/api/orders-contract',
    ]);
    expect(revenueRow).toHaveTextContent('Data product');
    expect(revenueRow).toHaveTextContent('active');
    expect(revenueRow).toHaveTextContent('table: orders-contract');

    // An input port naming only the product: it reads the product.
    const ledgerRow = rowOf('General Ledger');
    expect(linksOf(ledgerRow)).toEqual([
      '/catalog/finance/dataproduct/ledger',
      '/catalog/finance/group/accounting',
    ]);
    expect(ledgerRow).toHaveTextContent('deprecated');
    expect(ledgerRow).toHaveTextContent('the product');

    const dashboardRow = rowOf('dashboard');
    expect(dashboardRow).toHaveTextContent('Component (website)');
    expect(linksOf(dashboardRow)).toEqual([
      '/catalog/default/component/dashboard',
      '/catalog/default/group/web',
      '/catalog/default/api/order-events',
      '/catalog/default/api/orders-contract',
    ]);
    expect(dashboardRow).toHaveTextContent('events: order-events');
    expect(dashboardRow).not.toHaveTextContent('stock-contract');

    const marketingRow = rowOf('Marketing');
    expect(marketingRow).toHaveTextContent('Group (team)');
    expect(linksOf(marketingRow)).toEqual([
      '/catalog/default/group/marketing',
      '/catalog/default/api/order-events',
    ]);

    const adaRow = rowOf('ada');
    expect(adaRow).toHaveTextContent('User');
    expect(linksOf(adaRow)).toEqual([
      '/catalog/default/user/ada',
      '/catalog/default/api/orders-contract',
    ]);

    expect(screen.queryByText('gone')).not.toBeInTheDocument();
    // The header and five consumers.
    expect(screen.getAllByRole('row')).toHaveLength(6);
  });

  it('says so when no product consumes this one', async () => {
    const lonely = dataProduct('lonely');
    renderEntityPage(lonely, [entityDataProductConsumersCard], {
      apis: [catalogApiMock({ entities: [lonely] })],
    });

    expect(
      await screen.findByText('Nothing consumes this data product yet'),
    ).toBeInTheDocument();
  });

  it('shows an error when the catalog cannot be read', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntitiesByRefs: jest.fn().mockRejectedValue(new Error('catalog down')),
    });
    renderEntityPage(orders, [entityDataProductConsumersCard], {
      apis: [catalogApi],
    });

    expect(await screen.findByText('Error: catalog down')).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityDataProductConsumersCard]);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Consumers')).not.toBeInTheDocument();
  });
});
