import { Table } from '@backstage/core-components';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { dataMeshApiRef } from '../../api';
import { dataProduct, fakeDataMeshApi } from '../../__testUtils__';
import { dataProductCatalogColumns } from './dataProductCatalogColumns';

jest.setTimeout(30_000);

const slow = { timeout: 10_000 };

const state = (name: string, score: number, compliant: boolean) => ({
  entityRef: `dataproduct:default/${name}`,
  name,
  title: null,
  domainRef: 'domain:default/sales',
  ownerRef: 'group:default/data-team',
  status: 'active',
  type: null,
  classification: null,
  personalData: false,
  score,
  level: 'silver',
  compliant,
  evaluatedAt: '2026-12-01T10:00:00Z',
});

function render(api: ReturnType<typeof fakeDataMeshApi>) {
  const rows = [
    { entity: dataProduct('orders', { status: 'active' }) },
    { entity: dataProduct('returns', { status: 'draft' }) },
  ];
  return renderInTestApp(
    <Table
      title="Data products"
      columns={[
        { title: 'Name', field: 'entity.metadata.name' },
        ...dataProductCatalogColumns(),
      ]}
      data={rows}
    />,
    {
      apis: [[dataMeshApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('dataProductCatalogColumns', () => {
  it('shows domain, status, score, level and compliance, read once for every row', async () => {
    const queryProducts = jest.fn(async () => ({
      items: [state('orders', 82.4, false)],
      totalCount: 1,
      limit: 100,
      offset: 0,
    }));
    await render(fakeDataMeshApi({ queryProducts }));

    const orders = (await screen.findAllByRole('row', undefined, slow)).find(
      row => within(row).queryByText('orders'),
    )!;
    expect(
      await within(orders).findByText('82', undefined, slow),
    ).toBeVisible();
    expect(within(orders).getByText('sales')).toBeInTheDocument();
    expect(within(orders).getByText('active')).toBeInTheDocument();
    expect(within(orders).getByText('silver')).toBeInTheDocument();
    expect(within(orders).getByText('Not compliant')).toBeInTheDocument();

    const returns = screen
      .getAllByRole('row')
      .find(row => within(row).queryByText('returns'))!;
    expect(within(returns).getByText('draft')).toBeInTheDocument();
    expect(within(returns).getByText('Not evaluated yet')).toBeInTheDocument();
    // One read of the states serves the rows and the three columns.
    expect(queryProducts).toHaveBeenCalledTimes(1);
  });

  it('says the states are unavailable when the backend fails', async () => {
    const queryProducts = jest.fn(async () => {
      throw new Error('backend down');
    });
    await render(fakeDataMeshApi({ queryProducts }));
    expect(
      (await screen.findAllByText('Unavailable', undefined, slow)).length,
    ).toBeGreaterThan(0);
  });
});
