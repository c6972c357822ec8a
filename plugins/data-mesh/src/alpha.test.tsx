import {
  catalogGraphApiRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import dataMeshPlugin from './alpha';
import { dataMeshApiRef } from './api';
import {
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
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
        dataMeshPlugin.getExtension('entity-content:data-mesh/contract-tests'),
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/data-product-quality-summary',
        ),
        dataMeshPlugin.getExtension(
          'entity-card:data-mesh/data-product-retirement',
        ),
        dataMeshPlugin.getExtension('entity-content:data-mesh/schema'),
        dataMeshPlugin.getExtension('entity-content:data-mesh/quality'),
        dataMeshPlugin.getExtension('entity-content:data-mesh/lineage'),
        dataMeshPlugin.getExtension('entity-content:data-mesh/access'),
        dataMeshPlugin.getExtension('entity-content:data-mesh/governance'),
        dataMeshPlugin.getExtension('entity-content:data-mesh/changes'),
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
        dataMeshPlugin.getExtension('entity-card:data-mesh/governance'),
        dataMeshPlugin.getExtension('entity-card:data-mesh/domain-governance'),
        dataMeshPlugin.getExtension('page:data-mesh/governance'),
        dataMeshPlugin.getExtension('page:data-mesh'),
        dataMeshPlugin.getExtension('sub-page:data-mesh/explorer'),
        dataMeshPlugin.getExtension('sub-page:data-mesh/domain-map'),
        dataMeshPlugin.getExtension('sub-page:data-mesh/insight'),
        dataMeshPlugin.getExtension('api:data-mesh'),
        dataMeshPlugin.getExtension(
          'scaffolder-form-field:data-mesh/data-product-verdict',
        ),
      ].every(Boolean),
    ).toBe(true);
  });

  it('puts what a product is, its quality at a glance and its ports on a DataProduct overview, the rest on tabs', async () => {
    const product = dataProduct('orders');
    renderEntityPage(product, [], {
      features: [dataMeshPlugin],
      apis: [
        catalogApiMock({ entities: [product] }),
        [catalogGraphApiRef, new DefaultCatalogGraphApi()],
        [dataMeshApiRef, fakeDataMeshApi()],
        permissionsAllowing(),
      ],
    });

    // Three lazy-loaded cards take a while on a busy CI machine.
    expect(
      await screen.findByText('Data product', {}, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Quality at a glance', {}, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Ports')).toBeInTheDocument();
    // On tabs, not on the overview.
    expect(screen.queryByText('Scorecard')).not.toBeInTheDocument();
    expect(screen.queryByText('Score trend')).not.toBeInTheDocument();
    expect(screen.queryByText('Consumers')).not.toBeInTheDocument();
    expect(screen.queryByText('Data products')).not.toBeInTheDocument();
    expect(
      screen.queryByText('Data product scorecards'),
    ).not.toBeInTheDocument();
  }, 30_000);

  it('gives DataProducts the tabs Schema, Quality, Lineage, Access, Governance and Changes', () => {
    const tabs = (
      [
        'entity-content:data-mesh/schema',
        'entity-content:data-mesh/quality',
        'entity-content:data-mesh/lineage',
        'entity-content:data-mesh/access',
        'entity-content:data-mesh/governance',
        'entity-content:data-mesh/changes',
      ] as const
    ).map(id => {
      const tester = createExtensionTester(dataMeshPlugin.getExtension(id));
      return [
        tester.get(EntityContentBlueprint.dataRefs.title),
        tester.get(coreExtensionData.routePath),
        tester.get(EntityContentBlueprint.dataRefs.filterFunction)?.(
          dataProduct('orders'),
        ),
      ];
    });
    expect(tabs).toEqual([
      ['Schema', '/schema', true],
      ['Quality', '/quality', true],
      ['Lineage', '/lineage', true],
      ['Access', '/access', true],
      ['Governance', '/governance', true],
      ['Changes', '/changes', true],
    ]);
  });
});

describe('governance page (new frontend system)', () => {
  it('is at /data-mesh/governance with a Governance nav item', async () => {
    renderTestApp({
      features: [dataMeshPlugin],
      apis: [[dataMeshApiRef, fakeDataMeshApi()], permissionsAllowing()],
      initialRouteEntries: ['/data-mesh/governance'],
    });

    expect(
      await screen.findByText('No data product has been evaluated yet'),
    ).toBeInTheDocument();
    // The nav item and the page header's title.
    expect(
      screen
        .getAllByRole('link', { name: 'Governance' })
        .map(link => link.getAttribute('href')),
    ).toEqual(['/data-mesh/governance', '/data-mesh/governance']);
    const page = dataMeshPlugin.getExtension('page:data-mesh/governance');
    expect(createExtensionTester(page).get(coreExtensionData.title)).toBe(
      'Governance',
    );
    expect(createExtensionTester(page).get(coreExtensionData.routePath)).toBe(
      '/data-mesh/governance',
    );
  });
});

describe('data mesh home (new frontend system)', () => {
  it('is at /data-mesh with a "Data mesh" nav item and opens on the explorer tab', async () => {
    const api = fakeDataMeshApi();
    renderTestApp({
      features: [dataMeshPlugin],
      apis: [[dataMeshApiRef, api], permissionsAllowing(), catalogApiMock()],
      initialRouteEntries: ['/data-mesh'],
    });

    expect(
      await screen.findByText('No data product has been evaluated yet'),
    ).toBeInTheDocument();
    expect(api.queryProducts).toHaveBeenCalled();
    expect(
      screen
        .getAllByRole('link', { name: 'Data mesh' })
        .map(link => link.getAttribute('href')),
    ).toContain('/data-mesh');
    expect(screen.getByRole('tab', { name: 'Explorer' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Domain map' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Insight' })).toBeInTheDocument();
  }, 30_000);

  it('drops a tab that the app disables', async () => {
    renderTestApp({
      features: [dataMeshPlugin],
      apis: [[dataMeshApiRef, fakeDataMeshApi()], permissionsAllowing()],
      config: {
        app: { extensions: [{ 'sub-page:data-mesh/insight': false }] },
      },
      initialRouteEntries: ['/data-mesh/domain-map'],
    });

    expect(
      await screen.findByText('No domain or data product yet'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Explorer' })).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Insight' }),
    ).not.toBeInTheDocument();
  }, 30_000);
});
