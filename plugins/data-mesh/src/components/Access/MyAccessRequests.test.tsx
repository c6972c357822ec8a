import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AccessRequest } from '@datamesh-portal/plugin-data-mesh-common';
import { screen, within } from '@testing-library/react';
import { dataMeshApiRef, ListAccessRequestsQuery } from '../../api';
import {
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
} from '../../__testUtils__';
import { MyAccessRequests } from './MyAccessRequests';

jest.setTimeout(30_000);

function request(overrides: Partial<AccessRequest>): AccessRequest {
  return {
    id: 'x',
    productRef: 'dataproduct:default/ledger',
    outputPort: 'entries',
    consumerRef: 'group:default/finance',
    purpose: 'Monthly revenue reconciliation of the ledger',
    state: 'requested',
    approval: 'owners',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('my access requests', () => {
  it('lists the requests of my teams, and those awaiting my decision on products my teams own', async () => {
    const ours = request({ id: 'ours', state: 'active' });
    const awaiting = request({
      id: 'awaiting',
      productRef: 'dataproduct:default/customer-orders',
      consumerRef: 'group:default/marketing',
      purpose: 'Campaign attribution of orders by region',
    });
    const api = fakeDataMeshApi({
      listAccessRequests: jest.fn(async (query?: ListAccessRequestsQuery) => {
        const answers: Record<string, AccessRequest[]> = {
          'group:default/finance': [ours],
          'dataproduct:default/customer-orders': [awaiting],
        };
        const key = String(query?.consumerRef ?? query?.productRef);
        return { items: answers[key] ?? [], limit: 100, offset: 0 };
      }),
    });
    const owned = dataProduct('customer-orders', {}, [
      { type: 'ownedBy', targetRef: 'group:default/finance' },
    ]);
    const notOurs = dataProduct('ledger', {}, [
      { type: 'ownedBy', targetRef: 'group:default/accounting' },
    ]);
    await renderInTestApp(<MyAccessRequests />, {
      apis: [
        [dataMeshApiRef, api],
        mockApis.identity({
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs: ['user:default/alice', 'group:default/finance'],
        }),
        catalogApiMock({ entities: [owned, notOurs] }),
        permissionsAllowing(),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    const decisions = await screen.findByRole('region', {
      name: 'Awaiting your decision',
    });
    expect(
      within(decisions).getByText('Campaign attribution of orders by region'),
    ).toBeInTheDocument();
    expect(
      within(decisions).getByRole('button', { name: 'Approve' }),
    ).toBeInTheDocument();
    const teams = screen.getByRole('region', { name: "Your teams' requests" });
    expect(within(teams).getByTitle(/^Granted/)).toHaveTextContent('active');
    expect(api.listAccessRequests).toHaveBeenCalledWith({
      consumerRef: 'group:default/finance',
      limit: 100,
    });
    expect(api.listAccessRequests).toHaveBeenCalledWith({
      productRef: 'dataproduct:default/customer-orders',
      state: 'requested',
      limit: 100,
    });
    expect(api.listAccessRequests).not.toHaveBeenCalledWith(
      expect.objectContaining({ productRef: 'dataproduct:default/ledger' }),
    );
  });
});
