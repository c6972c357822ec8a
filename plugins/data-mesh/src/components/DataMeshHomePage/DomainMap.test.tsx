import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { DomainMapResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi } from '../../__testUtils__';
import { DomainMap, mapGraph } from './DomainMap';

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

// jsdom lays nothing out; the graph measures its nodes and edge labels.
const originalGetBBox = (SVGElement.prototype as any).getBBox;
beforeAll(() => {
  (SVGElement.prototype as any).getBBox = () => ({
    x: 0,
    y: 0,
    width: 100,
    height: 36,
  });
});
afterAll(() => {
  (SVGElement.prototype as any).getBBox = originalGetBBox;
});

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
  it('turns domains, products and lineage into graph nodes and edges', () => {
    const { nodes, edges } = mapGraph(map);
    expect(nodes.map(node => node.label)).toEqual([
      'Commerce',
      'sales',
      'Orders',
      'revenue',
    ]);
    expect(edges).toEqual([
      { from: 'domain:default/commerce', to: 'domain:default/sales' },
      { from: 'domain:default/sales', to: 'dataproduct:default/orders' },
      { from: 'domain:default/sales', to: 'dataproduct:default/revenue' },
      {
        from: 'dataproduct:default/orders',
        to: 'dataproduct:default/revenue',
        label: 'feeds',
      },
    ]);
  });

  it('shows the map as a graph whose nodes open the entity, and as a table', async () => {
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

    await userEvent.click(
      await screen.findByRole('link', { name: 'Data product Orders' }),
    );
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
