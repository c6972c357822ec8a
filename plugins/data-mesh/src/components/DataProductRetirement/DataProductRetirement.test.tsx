import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import {
  DataProductRetirement,
  EntityDataProductRetirement,
} from './DataProductRetirement';

const entity = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'old-orders', namespace: 'default' },
  spec: { owner: 'group:sales', domain: 'sales', status: 'deprecated' },
};

function apis(body: unknown) {
  const urls: string[] = [];
  const fetchApi = {
    fetch: jest.fn(async (input: RequestInfo | URL) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  };
  return {
    urls,
    apis: [
      [fetchApiRef, fetchApi],
      [
        discoveryApiRef,
        { getBaseUrl: async () => 'http://localhost:7007/api/data-mesh' },
      ],
    ] as const,
  };
}

describe('DataProductRetirement', () => {
  it('says the tables were dropped and the agreements revoked', async () => {
    const { apis: list, urls } = apis({
      entityRef: 'dataproduct:default/old-orders',
      retirement: {
        sunset: '2020-01-31',
        objects: 'dropped',
        tables: ['lake:sales.old_orders_orders', 'lake:sales.old_orders_items'],
        agreementsRevoked: 2,
        problems: [],
        at: '2026-12-07T10:00:00Z',
      },
    });
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityDataProductRetirement />
      </EntityProvider>,
      { apis: list as any },
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Retired: its sunset, 2020-01-31, has passedIts tables were dropped: lake:sales.old_orders_orders and lake:sales.old_orders_items. 2 usage agreements were revoked.',
    );
    expect(urls[0]).toBe(
      'http://localhost:7007/api/data-mesh/provisioning/dataproduct/default/old-orders/retirement',
    );
  });

  it('says they were kept', async () => {
    const kept = apis({
      entityRef: 'dataproduct:default/old-orders',
      retirement: {
        sunset: '2020-01-31',
        objects: 'kept',
        tables: ['lake:sales.old_orders_orders'],
        agreementsRevoked: 1,
        problems: [],
        at: '2026-12-07T10:00:00Z',
      },
    });
    await renderInTestApp(<DataProductRetirement entity={entity} />, {
      apis: kept.apis as any,
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Its tables were kept: lake:sales.old_orders_orders. 1 usage agreement was revoked.',
    );
  });
});
