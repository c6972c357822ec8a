import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import {
  catalogGraphApiRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor } from '@testing-library/react';
import { entityDataProductLineageCard } from '../../alpha';
import { component, dataProduct, renderEntityPage } from '../../__testUtils__';

const dependsOn = (name: string) => ({
  type: RELATION_DEPENDS_ON,
  targetRef: `dataproduct:default/${name}`,
});
const dependencyOf = (name: string) => ({
  type: RELATION_DEPENDENCY_OF,
  targetRef: `dataproduct:default/${name}`,
});

// crm-export -> raw-events -> orders -> customer-orders -> revenue, and orders -> marketing;
// customer-orders is also owned by a group. Neither marketing (a sibling: another reader of an
// upstream product) nor the group is on customer-orders' lineage.
const entities = [
  dataProduct('crm-export', {}, [dependencyOf('raw-events')]),
  dataProduct('raw-events', {}, [
    dependsOn('crm-export'),
    dependencyOf('orders'),
  ]),
  dataProduct('orders', {}, [
    dependsOn('raw-events'),
    dependencyOf('customer-orders'),
    dependencyOf('marketing'),
  ]),
  dataProduct('marketing', {}, [dependsOn('orders')]),
  dataProduct('customer-orders', {}, [
    dependsOn('orders'),
    dependencyOf('revenue'),
    { type: RELATION_OWNED_BY, targetRef: 'group:default/data-team' },
  ]),
  dataProduct('revenue', {}, [dependsOn('customer-orders')]),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'data-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      {
        type: RELATION_OWNER_OF,
        targetRef: 'dataproduct:default/customer-orders',
      },
    ],
  },
];
const customerOrders = entities[4];

const apis = [
  catalogApiMock({ entities }),
  [catalogGraphApiRef, new DefaultCatalogGraphApi()],
] as const;

describe('data product lineage card', () => {
  // jsdom does no SVG layout: the graph measures its nodes with getBBox, which jsdom lacks.
  // Give every SVG element a fixed size so that the real graph can lay itself out.
  const svgPrototype = window.SVGElement.prototype as any;
  beforeAll(() => {
    svgPrototype.getBBox = () => ({ x: 0, y: 0, width: 120, height: 40 });
  });
  afterAll(() => {
    delete svgPrototype.getBBox;
  });

  it('shows the products upstream and downstream of a DataProduct, two levels deep', async () => {
    renderEntityPage(customerOrders, [entityDataProductLineageCard], { apis });

    expect(await screen.findByText('Lineage')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByText('raw-events')).toBeInTheDocument(),
    );
    // upstream at depth 1 and 2, downstream at depth 1, and the product itself
    expect(screen.getByText('orders')).toBeInTheDocument();
    expect(screen.getByText('revenue')).toBeInTheDocument();
    expect(screen.getAllByText('customer-orders').length).toBeGreaterThan(0);
    // three levels up is beyond the graph's depth; owners are no part of the lineage
    expect(screen.queryByText('crm-export')).not.toBeInTheDocument();
    expect(screen.queryByText('data-team')).not.toBeInTheDocument();
    expect(screen.queryByText('marketing')).not.toBeInTheDocument();
  });

  it('explains that the catalog graph plugin is needed when it is missing', async () => {
    renderEntityPage(customerOrders, [entityDataProductLineageCard], {
      apis: [catalogApiMock({ entities })],
    });

    expect(
      await screen.findByText(/Lineage is not available/),
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityDataProductLineageCard], { apis });

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Lineage')).not.toBeInTheDocument();
  });
});
