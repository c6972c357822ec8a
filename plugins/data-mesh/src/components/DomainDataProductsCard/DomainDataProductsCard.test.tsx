import { RELATION_PART_OF } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { entityDomainDataProductsCard } from '../../alpha';
import {
  component,
  dataProduct,
  exampleEntity,
  renderEntityPage,
} from '../../__testUtils__';

const clinical = exampleEntity('hospital/domains.yaml', 'Domain', 'clinical');
const plainDomain = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Domain',
  metadata: { name: 'sales', namespace: 'default' },
  spec: { owner: 'group:sales-team' },
};

const partOf = (domain: string) => [
  { type: RELATION_PART_OF, targetRef: `domain:default/${domain}` },
];
const products = [
  dataProduct(
    'patient-records',
    {
      owner: 'group:clinical-data-team',
      domain: 'clinical',
      type: 'source-aligned',
    },
    partOf('clinical'),
  ),
  dataProduct(
    'lab-results',
    {
      owner: 'group:clinical-data-team',
      domain: 'clinical',
      type: 'aggregate',
      status: 'draft',
    },
    partOf('clinical'),
  ),
  dataProduct('orders', { domain: 'sales' }, partOf('sales')),
];

function rowOf(name: string) {
  return screen.getByText(name).closest('tr') as HTMLElement;
}

describe('domain data products card', () => {
  it('lists the data products of a data mesh domain and its data steward', async () => {
    renderEntityPage(clinical, [entityDomainDataProductsCard], {
      apis: [catalogApiMock({ entities: [clinical, ...products] })],
    });

    expect(await screen.findByText('Data products')).toBeInTheDocument();
    expect(screen.getByText(/Data steward/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /fatima-zahra/ })).toHaveAttribute(
      'href',
      '/catalog/default/user/fatima-zahra',
    );

    await screen.findByText('patient-records');
    const patientRecords = rowOf('patient-records');
    expect(
      within(patientRecords)
        .getAllByRole('link')
        .map(link => link.getAttribute('href')),
    ).toEqual([
      '/catalog/default/dataproduct/patient-records',
      '/catalog/default/group/clinical-data-team',
    ]);
    expect(patientRecords).toHaveTextContent('active');
    expect(patientRecords).toHaveTextContent('source-aligned');
    expect(rowOf('lab-results')).toHaveTextContent('draft');
    expect(rowOf('lab-results')).toHaveTextContent('aggregate');
    expect(screen.queryByText('orders')).not.toBeInTheDocument();
    expect(
      screen.getAllByRole('columnheader').map(header => header.textContent),
    ).toEqual(['Name', 'Status', 'Type', 'Owner']);
  });

  it('works for a built-in Domain, which has no data steward', async () => {
    renderEntityPage(plainDomain, [entityDomainDataProductsCard], {
      apis: [catalogApiMock({ entities: [plainDomain, ...products] })],
    });

    expect(await screen.findByText('orders')).toBeInTheDocument();
    expect(screen.queryByText(/Data steward/)).not.toBeInTheDocument();
    expect(screen.queryByText('patient-records')).not.toBeInTheDocument();
  });

  it('says so when a domain has no data products', async () => {
    renderEntityPage(plainDomain, [entityDomainDataProductsCard], {
      apis: [catalogApiMock({ entities: [plainDomain] })],
    });

    expect(
      await screen.findByText('This domain has no data products yet'),
    ).toBeInTheDocument();
  });

  it('shows an error when the catalog cannot be read', async () => {
    renderEntityPage(plainDomain, [entityDomainDataProductsCard], {
      apis: [
        catalogApiMock.mock({
          getEntities: jest.fn().mockRejectedValue(new Error('catalog down')),
        }),
      ],
    });

    expect(await screen.findByText('Error: catalog down')).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityDomainDataProductsCard]);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data products')).not.toBeInTheDocument();
  });
});
