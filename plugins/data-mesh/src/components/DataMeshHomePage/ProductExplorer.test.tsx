import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { ProductsQueryItem } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi } from '../../__testUtils__';
import { ProductExplorer } from './ProductExplorer';

jest.setTimeout(30_000);

const product = (
  name: string,
  more: Partial<ProductsQueryItem> = {},
): ProductsQueryItem => ({
  entityRef: `dataproduct:default/${name}`,
  name,
  title: null,
  type: null,
  classification: null,
  personalData: false,
  domainRef: 'domain:default/sales',
  ownerRef: 'group:default/sales-team',
  status: 'active',
  score: 82.4,
  level: 'silver',
  compliant: true,
  evaluatedAt: '2026-11-20T10:00:00Z',
  ...more,
});

function LocationSearch() {
  return <div data-testid="search">{useLocation().search}</div>;
}

const catalogEntity = (kind: string, name: string, title?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
  spec: {},
});

// The domains and teams the pickers offer.
const catalog = catalogApiMock({
  entities: [
    catalogEntity('Domain', 'sales', 'Sales'),
    catalogEntity('Domain', 'marketing', 'Marketing'),
    catalogEntity('Group', 'sales-team'),
    catalogEntity('Group', 'growth-team'),
    catalogEntity('Component', 'checkout'),
  ],
});

function render(api: ReturnType<typeof fakeDataMeshApi>, url = '/data-mesh') {
  return renderInTestApp(
    <>
      <ProductExplorer />
      <LocationSearch />
    </>,
    {
      apis: [[dataMeshApiRef, api], catalog],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: [url],
    },
  );
}

const search = () =>
  new URLSearchParams(screen.getByTestId('search').textContent ?? '');

describe('ProductExplorer', () => {
  it('lists products with links, chips and score, best first', async () => {
    const api = fakeDataMeshApi({
      queryProducts: jest.fn(async () => ({
        items: [
          product('orders', { title: 'Customer orders' }),
          product('invoices', {
            score: 40,
            level: null,
            compliant: false,
            status: 'deprecated',
          }),
        ],
        totalCount: 2,
        limit: 25,
        offset: 0,
      })),
    });
    render(api);

    const orders = await screen.findByRole('link', { name: 'Customer orders' });
    expect(orders).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/orders',
    );
    const rows = screen.getAllByRole('row');
    expect(within(rows[1]).getByText('82')).toBeInTheDocument();
    expect(within(rows[1]).getByText('silver')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Compliant')).toBeInTheDocument();
    expect(
      within(rows[1]).getByRole('link', { name: 'sales-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/sales-team');
    expect(within(rows[2]).getByText('Not compliant')).toBeInTheDocument();
    expect(within(rows[2]).getByText('deprecated')).toBeInTheDocument();
    expect(within(rows[2]).getByText('No level')).toBeInTheDocument();
    expect(api.queryProducts).toHaveBeenCalledWith({
      limit: 25,
      offset: 0,
      sort: '-score',
    });
  });

  it('applies the filters of the URL', async () => {
    const api = fakeDataMeshApi();
    render(
      api,
      '/data-mesh?q=ord&domain=domain:default/sales&status=active&compliant=false&personalData=true&sort=score&page=3',
    );

    expect(
      await screen.findByText('No data product matches these filters'),
    ).toBeInTheDocument();
    expect(api.queryProducts).toHaveBeenCalledWith({
      q: 'ord',
      domain: 'domain:default/sales',
      status: 'active',
      compliant: false,
      personalData: true,
      sort: 'score',
      limit: 25,
      offset: 50,
    });
    expect(screen.getByLabelText('Search data products')).toHaveValue('ord');
  });

  it('searches as typing pauses and filters from the drop-downs, in the URL', async () => {
    const api = fakeDataMeshApi();
    render(api, '/data-mesh?page=2');
    await screen.findByText('No data product has been evaluated yet');

    await userEvent.type(
      screen.getByLabelText('Search data products'),
      'orders',
    );
    await waitFor(() => expect(search().get('q')).toBe('orders'));
    // A new search starts from the first page.
    expect(search().get('page')).toBeNull();
    await waitFor(() =>
      expect(api.queryProducts).toHaveBeenLastCalledWith({
        q: 'orders',
        sort: '-score',
        limit: 25,
        offset: 0,
      }),
    );
    // Typing is debounced: no query for the partial words.
    expect(api.queryProducts).not.toHaveBeenCalledWith(
      expect.objectContaining({ q: 'o' }),
    );

    await userEvent.click(screen.getByLabelText('Status'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'active' }),
    );
    await waitFor(() => expect(search().get('status')).toBe('active'));
    await userEvent.click(screen.getByLabelText('Compliance'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Not compliant' }),
    );
    await waitFor(() =>
      expect(api.queryProducts).toHaveBeenLastCalledWith({
        q: 'orders',
        status: 'active',
        compliant: false,
        sort: '-score',
        limit: 25,
        offset: 0,
      }),
    );
    expect(search().get('compliant')).toBe('false');
    expect(
      screen.getByText('No data product matches these filters'),
    ).toBeInTheDocument();
  });

  it('picks domains and owners from the catalog and types, levels from their lists', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => ({
        levels: ['basic', 'trusted'],
        checks: [],
        policies: [],
      })),
    });
    render(api, '/data-mesh?domain=domain:default/sales');
    await screen.findByText('No data product matches these filters');
    // The URL's domain shows as a chip with the domain's title.
    expect(await screen.findByRole('button', { name: 'Sales' })).toBeVisible();

    await userEvent.click(screen.getByRole('textbox', { name: 'Domain' }));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['Marketing', 'Sales']);
    await userEvent.click(screen.getByRole('option', { name: 'Marketing' }));
    await waitFor(() =>
      expect(search().getAll('domain')).toEqual([
        'domain:default/sales',
        'domain:default/marketing',
      ]),
    );

    await userEvent.click(screen.getByRole('textbox', { name: 'Owner' }));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['growth-team', 'sales-team']);
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Owner' }),
      'grow',
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'growth-team' }),
    );

    await userEvent.click(screen.getByLabelText('Type'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'aggregate' }),
    );
    await userEvent.click(screen.getByLabelText('Level'));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['Any', 'basic', 'trusted', 'No level']);
    await userEvent.click(screen.getByRole('option', { name: 'No level' }));

    await waitFor(() =>
      expect(api.queryProducts).toHaveBeenLastCalledWith({
        domain: ['domain:default/sales', 'domain:default/marketing'],
        owner: 'group:default/growth-team',
        type: 'aggregate',
        level: 'none',
        sort: '-score',
        limit: 25,
        offset: 0,
      }),
    );

    // Deleting a chip removes that domain from the filter.
    screen.getByRole('button', { name: 'Sales' }).focus();
    await userEvent.keyboard('{Delete}');
    await waitFor(() =>
      expect(search().getAll('domain')).toEqual(['domain:default/marketing']),
    );
  });

  it('pages through the results on the server and sorts by score', async () => {
    const api = fakeDataMeshApi({
      queryProducts: jest.fn(async query => ({
        items: [product(`p-${query?.offset}`)],
        totalCount: 60,
        limit: 25,
        offset: query?.offset ?? 0,
      })),
    });
    render(api);

    expect(await screen.findByText('1-25 of 60')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('26-50 of 60')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'p-25' }),
    ).toBeInTheDocument();
    expect(search().get('page')).toBe('2');

    await userEvent.click(screen.getByRole('button', { name: 'Score' }));
    await waitFor(() => expect(search().get('sort')).toBe('score'));
    // Sorting starts from the first page again.
    expect(search().get('page')).toBeNull();
    await waitFor(() =>
      expect(api.queryProducts).toHaveBeenLastCalledWith({
        sort: 'score',
        limit: 25,
        offset: 0,
      }),
    );
  });

  it('says when nothing has been evaluated yet', async () => {
    render(fakeDataMeshApi());
    expect(
      await screen.findByText('No data product has been evaluated yet'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
