import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi } from '../../__testUtils__';
import { DataMeshHomePage } from './DataMeshHomePage';

jest.setTimeout(30_000);

describe('DataMeshHomePage (legacy frontend system)', () => {
  it('has a header and the Explorer, Domain map and Insight tabs', async () => {
    const api = fakeDataMeshApi();
    renderInTestApp(<DataMeshHomePage />, {
      apis: [[dataMeshApiRef, api], catalogApiMock()],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(
      await screen.findByText('No data product has been evaluated yet'),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Data mesh' })).toBeTruthy();

    await userEvent.click(screen.getByRole('tab', { name: 'Insight' }));
    expect(await screen.findByText('No insight yet')).toBeInTheDocument();
    expect(api.getInsight).toHaveBeenCalled();

    await userEvent.click(screen.getByRole('tab', { name: 'Domain map' }));
    expect(
      await screen.findByText('No domain or data product yet'),
    ).toBeInTheDocument();
  });
});
