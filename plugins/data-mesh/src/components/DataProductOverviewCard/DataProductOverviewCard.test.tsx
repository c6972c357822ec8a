import { renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { entityDataProductOverviewCard } from './alpha';

// A card for every kind, so a test can tell when the page has rendered its cards.
const everyKindCard = EntityCardBlueprint.make({
  name: 'every-kind',
  params: { loader: async () => <div>page rendered</div> },
});

const product = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'patient-records', namespace: 'default' },
  spec: {
    owner: 'group:clinical-data',
    domain: 'clinical',
    status: 'active',
    type: 'source-aligned',
    version: '2.1.0',
    classification: 'restricted',
    personalData: true,
    purpose: 'Every admission, diagnosis and treatment of a patient.',
  },
};

describe('data product overview card', () => {
  it('shows the product headline facts on a DataProduct page', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: product }),
        entityDataProductOverviewCard,
      ],
    });

    expect(await screen.findByText('Data product')).toBeInTheDocument();
    expect(screen.getByText('clinical')).toBeInTheDocument();
    expect(screen.getByText('clinical-data')).toBeInTheDocument();
    expect(screen.getByText('active')).toBeInTheDocument();
    expect(screen.getByText('restricted')).toBeInTheDocument();
    expect(screen.getByText('Yes')).toBeInTheDocument();
    expect(screen.getByText('2.1.0')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Every admission, diagnosis and treatment of a patient.',
      ),
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'svc' },
            spec: { type: 'service', owner: 'x', lifecycle: 'production' },
          },
        }),
        entityDataProductOverviewCard,
        everyKindCard,
      ],
    });

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data product')).not.toBeInTheDocument();
  });
});
