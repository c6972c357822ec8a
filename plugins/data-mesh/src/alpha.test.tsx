import {
  catalogGraphApiRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import dataMeshPlugin from './alpha';
import { dataMeshApiRef } from './api';
import {
  dataProduct,
  fakeDataMeshApi,
  renderEntityPage,
} from './__testUtils__';

describe('data mesh plugin (new frontend system)', () => {
  it('has its cards and contents under stable extension ids', () => {
    expect(
      [
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/data-product-overview',
        ),
        dataMeshPlugin.getExtension('entity-card:data-mesh/data-product-ports'),
        dataMeshPlugin.getExtension('entity-card:data-mesh/lineage'),
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/data-product-consumers',
        ),
        dataMeshPlugin.getExtension('entity-content:data-mesh/odcs-contract'),
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/domain-data-products',
        ),
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/group-data-products',
        ),
        dataMeshPlugin.getExtension('entity-card:data-mesh/scorecard'),
        dataMeshPlugin.getExtension('entity-card:data-mesh/scorecard-history'),
        dataMeshPlugin.getExtension('entity-card:data-mesh/domain-scorecard'),
        dataMeshPlugin.getExtension('entity-card:data-mesh/group-scorecard'),
        dataMeshPlugin.getExtension('api:data-mesh'),
      ].every(Boolean),
    ).toBe(true);
  });

  it('puts the data product cards, and only those, on a DataProduct page', async () => {
    const product = dataProduct('orders');
    renderEntityPage(product, [], {
      features: [dataMeshPlugin],
      apis: [
        catalogApiMock({ entities: [product] }),
        [catalogGraphApiRef, new DefaultCatalogGraphApi()],
        [dataMeshApiRef, fakeDataMeshApi()],
      ],
    });

    expect(await screen.findByText('Data product')).toBeInTheDocument();
    expect(await screen.findByText('Ports')).toBeInTheDocument();
    expect(await screen.findByText('Lineage')).toBeInTheDocument();
    expect(await screen.findByText('Consumers')).toBeInTheDocument();
    expect(await screen.findByText('Scorecard')).toBeInTheDocument();
    expect(await screen.findByText('Score trend')).toBeInTheDocument();
    expect(screen.queryByText('Data products')).not.toBeInTheDocument();
    expect(screen.queryByText('Data contract')).not.toBeInTheDocument();
    expect(
      screen.queryByText('Data product scorecards'),
    ).not.toBeInTheDocument();
  });
});
