import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { dataMeshApiRef } from '../../api';
import {
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
} from '../../__testUtils__';
import { DecisionsAwaitingMe } from './DecisionsAwaitingMe';
import { MeshHealth } from './MeshHealth';
import { MyTeamsDataProducts } from './MyTeamsDataProducts';

jest.setTimeout(30_000);

/** The first render of a lazily loaded app can take seconds on a loaded machine. */
const slow = { timeout: 10_000 };

const member = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/data-team'],
});
const loner = mockApis.identity({
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob'],
});

const ownedBy = (team: string) => [
  { type: 'ownedBy', targetRef: `group:default/${team}` },
];
const entities = [
  dataProduct('orders', { status: 'active' }, ownedBy('data-team')),
  dataProduct('returns', { status: 'draft' }, ownedBy('data-team')),
  dataProduct('payroll', { status: 'active' }, ownedBy('hr-team')),
];

const state = (
  name: string,
  score: number,
  level: string | null,
  compliant: boolean,
) => ({
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
  level,
  compliant,
  evaluatedAt: '2026-12-01T10:00:00Z',
});

function render(
  element: JSX.Element,
  api: ReturnType<typeof fakeDataMeshApi>,
  identity = member,
  permissions = permissionsAllowing(),
) {
  return renderInTestApp(element, {
    apis: [
      [dataMeshApiRef, api],
      catalogApiMock({ entities }),
      identity,
      permissions,
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('MyTeamsDataProducts', () => {
  it("lists the products of the user's teams with their state, unevaluated ones said so", async () => {
    const queryProducts = jest.fn(async () => ({
      items: [state('orders', 82.4, 'silver', false)],
      totalCount: 1,
      limit: 100,
      offset: 0,
    }));
    await render(<MyTeamsDataProducts />, fakeDataMeshApi({ queryProducts }));

    const table = await screen.findByRole(
      'table',
      { name: "Your teams' data products" },
      slow,
    );
    const rows = within(table).getAllByRole('row');
    // The header and the team's two products; another team's product is not listed.
    expect(rows).toHaveLength(3);
    expect(within(table).queryByText('payroll')).not.toBeInTheDocument();
    const orders = rows.find(row => within(row).queryByText('orders'))!;
    expect(within(orders).getByText('82 / 100')).toBeInTheDocument();
    expect(within(orders).getByText('silver')).toBeInTheDocument();
    expect(within(orders).getByText('Not compliant')).toBeInTheDocument();
    const returns = rows.find(row => within(row).queryByText('returns'))!;
    expect(within(returns).getByText('draft')).toBeInTheDocument();
    expect(within(returns).getByText('Not evaluated yet')).toBeInTheDocument();
    expect(queryProducts).toHaveBeenCalledWith(
      expect.objectContaining({ owner: ['group:default/data-team'] }),
    );
  });

  it('says why it is empty for a user in no team', async () => {
    const queryProducts = jest.fn();
    await render(
      <MyTeamsDataProducts />,
      fakeDataMeshApi({ queryProducts }),
      loner,
    );
    expect(
      await screen.findByText(/not a member of any team/, undefined, slow),
    ).toBeInTheDocument();
    expect(queryProducts).not.toHaveBeenCalled();
  });
});

describe('DecisionsAwaitingMe', () => {
  const request = {
    id: 'r1',
    productRef: 'dataproduct:default/orders',
    outputPort: 'orders',
    consumerRef: 'group:default/finance',
    purpose: 'Month-end reporting of returned orders',
    state: 'requested' as const,
    approval: 'manual' as never,
    requestedBy: 'user:default/carol',
    requestedAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
  };
  const waiver = {
    id: 'w1',
    entityRef: 'dataproduct:default/payroll',
    policyId: 'pii-restricted',
    reason: 'Migration',
    status: 'pending' as const,
    requestedBy: 'user:default/dave',
    requestedAt: '2026-11-30T09:00:00Z',
    expiresAt: '2027-01-30T09:00:00Z',
  };

  it("lists access requests on the team's products and, for governance, pending waivers, oldest first", async () => {
    const listAccessRequests = jest.fn(async (query: any) => ({
      items: query.productRef === 'dataproduct:default/orders' ? [request] : [],
    }));
    const listWaivers = jest.fn(async () => ({ items: [waiver] }));
    await render(
      <DecisionsAwaitingMe />,
      fakeDataMeshApi({ listAccessRequests, listWaivers } as never),
      member,
      permissionsAllowing('data-mesh.waiver.decide'),
    );
    const list = await screen.findByRole(
      'list',
      { name: 'Decisions awaiting you' },
      slow,
    );
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('payroll');
    expect(items[0]).toHaveTextContent('Waiver of policy pii-restricted');
    expect(items[1]).toHaveTextContent(
      'Access to port orders for group:default/finance',
    );
    expect(listAccessRequests).toHaveBeenCalledWith(
      expect.objectContaining({ state: 'requested' }),
    );
    expect(listWaivers).toHaveBeenCalledWith({ status: 'pending' });
  });

  it('does not ask for waivers a user may not decide, and says when nothing waits', async () => {
    const listWaivers = jest.fn(async () => ({ items: [waiver] }));
    await render(
      <DecisionsAwaitingMe />,
      fakeDataMeshApi({ listWaivers } as never),
      member,
    );
    expect(
      await screen.findByText(/Nothing awaits your decision/, undefined, slow),
    ).toBeInTheDocument();
    expect(listWaivers).not.toHaveBeenCalled();
  });
});

describe('MeshHealth', () => {
  it('shows compliance, average score and regressions of the mesh', async () => {
    const getInsight = jest.fn(async () => ({
      products: 10,
      averageScore: 71.6,
      compliant: 7,
      domains: [],
      trend: [],
      regressions: [{}, {}] as never,
      leaderboard: [],
    }));
    await render(<MeshHealth />, fakeDataMeshApi({ getInsight } as never));
    expect(
      await screen.findByText('7 of 10', undefined, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('72 / 100')).toBeInTheDocument();
    expect(
      screen.getByText(/2 products regressed this week/),
    ).toBeInTheDocument();
  });

  it('says why it is empty before the first evaluation', async () => {
    const getInsight = jest.fn(async () => ({
      products: 0,
      averageScore: null,
      compliant: 0,
      domains: [],
      trend: [],
      regressions: [],
      leaderboard: [],
    }));
    await render(<MeshHealth />, fakeDataMeshApi({ getInsight } as never));
    expect(
      await screen.findByText(
        /No data product has been evaluated yet/,
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
  });
});
