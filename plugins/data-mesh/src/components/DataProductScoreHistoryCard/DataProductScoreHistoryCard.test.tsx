import { ScorecardHistoryPoint } from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor } from '@testing-library/react';
import { entityDataProductScoreHistoryCard } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  fakeDataMeshApi,
  renderEntityPage,
} from '../../__testUtils__';

const product = dataProduct('customer-orders');

/** jsdom lays nothing out: report a 600 x 240 box so that the chart draws. */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback(
      [
        {
          target,
          contentRect: { width: 600, height: 240 } as DOMRectReadOnly,
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

const items: ScorecardHistoryPoint[] = [
  {
    evaluatedAt: '2025-05-01T10:00:00Z',
    score: 40,
    level: null,
    compliant: false,
  },
  {
    evaluatedAt: '2025-05-03T10:00:00Z',
    score: 75,
    level: 'silver',
    compliant: true,
  },
  {
    evaluatedAt: '2025-05-02T10:00:00Z',
    score: 55,
    level: 'bronze',
    compliant: true,
  },
];

function render(api: ReturnType<typeof fakeDataMeshApi>, entity = product) {
  return renderEntityPage(entity, [entityDataProductScoreHistoryCard], {
    apis: [[dataMeshApiRef, api]],
  });
}

describe('data product score history card', () => {
  it('draws the score over time as a step line on a 0-100 axis', async () => {
    const api = fakeDataMeshApi({
      getScorecardHistory: jest.fn(async () => ({
        entityRef: 'dataproduct:default/customer-orders',
        items,
      })),
    });
    const { container } = render(api);

    expect(
      await screen.findByText(/3 evaluations since 1 May 2025.*from 40 to 75/),
    ).toBeInTheDocument();
    expect(api.getScorecardHistory).toHaveBeenCalledWith(
      'dataproduct:default/customer-orders',
    );

    // ResponsiveContainer sizes the chart in an effect after the card's text is shown, so the
    // line appears one render later; under load that render can trail the text.
    const line = await waitFor(() => {
      const curve = container.querySelector('.recharts-line-curve');
      expect(curve).not.toBeNull();
      return curve;
    });
    // A step line through the three points in time order: each step is a horizontal segment
    // at the previous score, then a vertical one up to the next; higher scores are higher up.
    const points = (line?.getAttribute('d') ?? '')
      .split(/[ML]/)
      .filter(Boolean)
      .map(point => point.split(',').map(Number));
    expect(points).toHaveLength(5);
    expect(points[1][1]).toBe(points[0][1]);
    expect(points[2][0]).toBe(points[1][0]);
    expect(points[3][1]).toBe(points[2][1]);
    expect(points[4][0]).toBe(points[3][0]);
    expect(points[0][1]).toBeGreaterThan(points[2][1]);
    expect(points[2][1]).toBeGreaterThan(points[4][1]);
    expect(container.querySelectorAll('.recharts-line-dot')).toHaveLength(3);

    const yTicks = [
      ...container.querySelectorAll(
        '.recharts-yAxis .recharts-cartesian-axis-tick-value',
      ),
    ].map(tick => tick.textContent);
    expect(yTicks).toEqual(['0', '25', '50', '75', '100']);
    const xTicks = [
      ...container.querySelectorAll(
        '.recharts-xAxis .recharts-cartesian-axis-tick-value',
      ),
    ].map(tick => tick.textContent);
    expect(xTicks).toContain('1 May');
  });

  it('waits for a second evaluation before drawing a trend', async () => {
    const { container } = render(
      fakeDataMeshApi({
        getScorecardHistory: jest.fn(async () => ({
          entityRef: 'dataproduct:default/customer-orders',
          items: items.slice(0, 1),
        })),
      }),
    );

    expect(
      await screen.findByText(
        'Evaluated once so far: the trend shows from the second evaluation',
      ),
    ).toBeInTheDocument();
    expect(container.querySelector('.recharts-line')).toBeNull();
  });

  it('says when the product has not been evaluated yet', async () => {
    render(fakeDataMeshApi());

    expect(await screen.findByText('Score trend')).toBeInTheDocument();
    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
  });

  it('shows the error when the history cannot be loaded', async () => {
    render(
      fakeDataMeshApi({
        getScorecardHistory: jest.fn(async () => {
          throw new Error('History unavailable');
        }),
      }),
    );

    expect(
      (await screen.findAllByText(/History unavailable/))[0],
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    const api = fakeDataMeshApi();
    render(api, component);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Score trend')).not.toBeInTheDocument();
    expect(api.getScorecardHistory).not.toHaveBeenCalled();
  });
});
