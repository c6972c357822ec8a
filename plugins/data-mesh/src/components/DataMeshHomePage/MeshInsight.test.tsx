import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import { MeshInsightResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi } from '../../__testUtils__';
import { MeshInsight } from './MeshInsight';

/** jsdom lays nothing out: report a 600 x 260 box so that the charts draw. */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback(
      [
        {
          target,
          contentRect: { width: 600, height: 260 } as DOMRectReadOnly,
        } as ResizeObserverEntry,
      ],
      this as unknown as ResizeObserver,
    );
  }
  unobserve() {}
  disconnect() {}
}

const originalResizeObserver = global.ResizeObserver;
beforeAll(() => {
  global.ResizeObserver =
    FixedSizeResizeObserver as unknown as typeof ResizeObserver;
});
afterAll(() => {
  global.ResizeObserver = originalResizeObserver;
});

jest.setTimeout(30_000);

const insight: MeshInsightResponse = {
  products: 6,
  averageScore: 67.2,
  compliant: 3,
  domains: [
    {
      domainRef: 'domain:default/sales',
      products: 4,
      averageScore: 81.5,
      levelCounts: { gold: 1, silver: 2, bronze: 1 },
      compliant: 3,
    },
    {
      domainRef: 'domain:default/clinical',
      products: 2,
      averageScore: 40,
      levelCounts: { bronze: 2 },
      compliant: 0,
    },
  ],
  trend: [
    { date: '2026-11-17', averageScore: null, products: 0 },
    { date: '2026-11-18', averageScore: 60, products: 5 },
    { date: '2026-11-19', averageScore: 64, products: 6 },
    { date: '2026-11-20', averageScore: 67.2, products: 6 },
  ],
  regressions: [
    {
      entityRef: 'dataproduct:default/orders',
      from: { score: 90, level: 'gold', compliant: true },
      to: { score: 70, level: 'silver', compliant: false },
    },
  ],
  leaderboard: [
    {
      domainRef: 'domain:default/sales',
      averageScore: 81.5,
      products: 4,
      rank: 1,
    },
    {
      domainRef: 'domain:default/clinical',
      averageScore: 40,
      products: 2,
      rank: 2,
    },
  ],
};

function render(api: ReturnType<typeof fakeDataMeshApi>) {
  return renderInTestApp(<MeshInsight />, {
    apis: [[dataMeshApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('MeshInsight', () => {
  it('shows levels, trend, compliance, leaderboard and what got worse', async () => {
    const { container } = render(
      fakeDataMeshApi({ getInsight: jest.fn(async () => insight) }),
    );

    expect(await screen.findByText('Levels per domain')).toBeInTheDocument();
    // One stacked bar series per level, and the trend line. ResponsiveContainer sizes the
    // charts in an effect, one render after the titles appear.
    await waitFor(() => {
      expect(container.querySelectorAll('.recharts-bar')).toHaveLength(3);
      expect(container.querySelector('.recharts-line-curve')).not.toBeNull();
    });
    // Every domain's bar is labelled with its name, beside it.
    expect(
      [
        // The levels chart is the first of the page.
        ...container
          .querySelector('.recharts-wrapper')!
          .querySelectorAll(
            '.recharts-yAxis .recharts-cartesian-axis-tick-value',
          ),
      ].map(tick => tick.textContent),
    ).toEqual(['sales', 'clinical']);

    const compliance = screen.getByRole('region', {
      name: 'Compliance per domain',
    });
    expect(within(compliance).getByText('75 %')).toBeInTheDocument();
    expect(within(compliance).getByText('0 %')).toBeInTheDocument();

    const leaderboard = screen.getByRole('region', {
      name: 'Domain leaderboard',
    });
    const rows = within(leaderboard).getAllByRole('row');
    expect(within(rows[1]).getByRole('link', { name: 'sales' })).toBeTruthy();
    expect(within(rows[1]).getByText('82')).toBeInTheDocument();

    const worse = screen.getByRole('region', {
      name: 'Data products that got worse',
    });
    expect(within(worse).getByRole('link', { name: 'orders' })).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/orders',
    );
    expect(within(worse).getByText('gold')).toBeInTheDocument();
    expect(within(worse).getByText('not compliant')).toBeInTheDocument();
  });

  it('says when there is nothing to show yet', async () => {
    render(fakeDataMeshApi());
    expect(await screen.findByText('No insight yet')).toBeInTheDocument();
  });

  it('says when no product got worse and the trend is too short', async () => {
    render(
      fakeDataMeshApi({
        getInsight: jest.fn(async () => ({
          ...insight,
          trend: insight.trend.slice(0, 2),
          regressions: [],
        })),
      }),
    );
    expect(
      await screen.findByText('No data product got worse this week'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /evaluated on one day so far .*the trend is drawn from the second day of evaluations/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('60 / 100')).toBeInTheDocument();
  });
});
