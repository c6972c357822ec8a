import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { DomainMapResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi } from '../../__testUtils__';
import { DomainMap, domainGroups } from './DomainMap';

jest.setTimeout(30_000);

const map: DomainMapResponse = {
  domains: [
    {
      entityRef: 'domain:default/commerce',
      title: 'Commerce',
      parentRef: null,
    },
    {
      entityRef: 'domain:default/sales',
      title: null,
      parentRef: 'domain:default/commerce',
    },
  ],
  products: [
    {
      entityRef: 'dataproduct:default/orders',
      title: 'Orders',
      domainRef: 'domain:default/sales',
      level: 'gold',
      compliant: true,
    },
    {
      entityRef: 'dataproduct:default/revenue',
      title: null,
      domainRef: 'domain:default/sales',
      level: null,
      compliant: false,
    },
  ],
  // Revenue depends on (reads from) orders.
  edges: [
    {
      from: 'dataproduct:default/revenue',
      to: 'dataproduct:default/orders',
    },
    // An edge to a product the map does not have is left out of the graph.
    { from: 'dataproduct:default/gone', to: 'dataproduct:default/orders' },
  ],
};

function LocationPath() {
  return <div data-testid="path">{useLocation().pathname}</div>;
}

function render(api: ReturnType<typeof fakeDataMeshApi>) {
  return renderInTestApp(
    <>
      <DomainMap />
      <LocationPath />
    </>,
    {
      apis: [[dataMeshApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: ['/data-mesh/domain-map'],
    },
  );
}

describe('DomainMap', () => {
  it('groups products by domain, subdomains inside their parent, products without a known domain last', () => {
    const groups = domainGroups({
      ...map,
      products: [
        ...map.products,
        {
          entityRef: 'dataproduct:default/stray',
          title: null,
          domainRef: 'domain:default/unknown',
          level: null,
          compliant: null,
        },
      ],
    });
    expect(
      groups.map(group => ({
        label: group.label,
        products: group.products.map(p => p.entityRef),
        subdomains: group.subdomains.map(sub => ({
          label: sub.label,
          products: sub.products.map(p => p.entityRef),
        })),
      })),
    ).toEqual([
      {
        label: 'Commerce',
        products: [],
        subdomains: [
          {
            label: 'sales',
            products: [
              'dataproduct:default/orders',
              'dataproduct:default/revenue',
            ],
          },
        ],
      },
      {
        label: 'No domain',
        products: ['dataproduct:default/stray'],
        subdomains: [],
      },
    ]);
  });

  it('shows the domains as groups of products with a legend, and a table of their lineage', async () => {
    render(fakeDataMeshApi({ getDomainMap: jest.fn(async () => map) }));

    const table = await screen.findByRole('region', {
      name: 'Data products by domain',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const orders = rows.find(row => within(row).queryByText('Orders'))!;
    expect(within(orders).getByText('gold')).toBeInTheDocument();
    expect(within(orders).getByText('Compliant')).toBeInTheDocument();
    expect(
      within(orders).getByRole('link', { name: 'revenue' }),
    ).toHaveAttribute('href', '/catalog/default/dataproduct/revenue');
    const revenue = rows.find(row => within(row).queryByText('Not compliant'))!;
    expect(
      within(revenue).getByRole('link', { name: 'orders' }),
    ).toHaveAttribute('href', '/catalog/default/dataproduct/orders');

    const sales = screen.getByRole('region', { name: 'Domain sales' });
    expect(
      screen.getByRole('region', { name: 'Domain Commerce' }),
    ).toContainElement(sales);
    expect(
      within(sales).getByRole('listitem', { name: 'Orders, compliant, gold' }),
    ).toHaveTextContent('read by 1');
    expect(
      within(sales).getByRole('listitem', { name: 'revenue, not compliant' }),
    ).toHaveTextContent('reads 1');
    expect(screen.getByLabelText('Legend')).toHaveTextContent('Not compliant');

    await userEvent.click(within(sales).getByRole('link', { name: 'Orders' }));
    await waitFor(() =>
      expect(screen.getByTestId('path')).toHaveTextContent(
        '/catalog/default/dataproduct/orders',
      ),
    );
  });

  it('says when there is nothing to map', async () => {
    render(fakeDataMeshApi());
    expect(
      await screen.findByText('No domain or data product yet'),
    ).toBeInTheDocument();
  });
});
