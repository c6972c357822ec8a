import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { entityGroupDataProductsCard } from '../../alpha';
import {
  component,
  dataProduct,
  exampleEntity,
  renderEntityPage,
} from '../../__testUtils__';

const team = exampleEntity('hospital/org.yaml', 'Group', 'clinical-data-team');

const ownedBy = (group: string) => [
  { type: RELATION_OWNED_BY, targetRef: `group:default/${group}` },
];
const products = [
  dataProduct(
    'patient-records',
    { owner: 'group:clinical-data-team', domain: 'clinical' },
    ownedBy('clinical-data-team'),
  ),
  dataProduct(
    'research-cohorts',
    { owner: 'group:research-data-team', domain: 'research' },
    ownedBy('research-data-team'),
  ),
];

describe('group data products card', () => {
  it('lists the data products the team owns, with their domain', async () => {
    renderEntityPage(team, [entityGroupDataProductsCard], {
      apis: [catalogApiMock({ entities: [team, ...products] })],
    });

    expect(await screen.findByText('Data products')).toBeInTheDocument();
    const row = (await screen.findByText('patient-records')).closest(
      'tr',
    ) as HTMLElement;
    expect(
      within(row)
        .getAllByRole('link')
        .map(link => link.getAttribute('href')),
    ).toEqual([
      '/catalog/default/dataproduct/patient-records',
      '/catalog/default/domain/clinical',
    ]);
    expect(screen.queryByText('research-cohorts')).not.toBeInTheDocument();
  });

  it('says so when the team owns no data products', async () => {
    renderEntityPage(team, [entityGroupDataProductsCard], {
      apis: [catalogApiMock({ entities: [team] })],
    });

    expect(
      await screen.findByText('This team owns no data products yet'),
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityGroupDataProductsCard]);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data products')).not.toBeInTheDocument();
  });
});
