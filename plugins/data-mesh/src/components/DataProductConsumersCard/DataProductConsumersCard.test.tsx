import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
} from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { entityDataProductConsumersCard } from '../../alpha';
import { component, dataProduct, renderEntityPage } from '../../__testUtils__';

const orders = dataProduct('orders', {}, [
  { type: RELATION_DEPENDENCY_OF, targetRef: 'dataproduct:default/revenue' },
  {
    type: RELATION_DEPENDENCY_OF,
    targetRef: 'dataproduct:finance/ledger',
  },
  // a component reading the product is not a data product consumer
  { type: RELATION_DEPENDENCY_OF, targetRef: 'component:default/dashboard' },
]);
const revenue = dataProduct(
  'revenue',
  { owner: 'group:finance-team', domain: 'finance', status: 'active' },
  [{ type: RELATION_DEPENDS_ON, targetRef: 'dataproduct:default/orders' }],
);
const ledger = {
  ...dataProduct('ledger', {
    owner: 'accounting',
    domain: 'finance',
    status: 'deprecated',
  }),
  metadata: { name: 'ledger', namespace: 'finance', title: 'General Ledger' },
};
const dashboard = { ...component, metadata: { name: 'dashboard' } };

function rowOf(name: string) {
  return screen.getByText(name).closest('tr') as HTMLElement;
}

describe('data product consumers card', () => {
  it('lists the products that depend on this one, with owner and domain', async () => {
    renderEntityPage(orders, [entityDataProductConsumersCard], {
      apis: [
        catalogApiMock({ entities: [orders, revenue, ledger, dashboard] }),
      ],
    });

    expect(await screen.findByText('Consumers')).toBeInTheDocument();
    const revenueRow = await screen
      .findByText('revenue')
      .then(() => rowOf('revenue'));
    expect(
      within(revenueRow)
        .getAllByRole('link')
        .map(a => a.getAttribute('href')),
    ).toEqual([
      '/catalog/default/dataproduct/revenue',
      '/catalog/default/group/finance-team',
      '/catalog/default/domain/finance',
    ]);
    expect(revenueRow).toHaveTextContent('active');

    const ledgerRow = rowOf('General Ledger');
    expect(
      within(ledgerRow)
        .getAllByRole('link')
        .map(a => a.getAttribute('href')),
    ).toEqual([
      '/catalog/finance/dataproduct/ledger',
      '/catalog/finance/group/accounting',
      '/catalog/finance/domain/finance',
    ]);
    expect(ledgerRow).toHaveTextContent('deprecated');

    expect(screen.queryByText('dashboard')).not.toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(3);
  });

  it('says so when no product consumes this one', async () => {
    const lonely = dataProduct('lonely');
    renderEntityPage(lonely, [entityDataProductConsumersCard], {
      apis: [catalogApiMock({ entities: [lonely] })],
    });

    expect(
      await screen.findByText('No data product consumes this one yet'),
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
