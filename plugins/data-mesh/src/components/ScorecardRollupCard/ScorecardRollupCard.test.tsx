import { ScorecardRollupResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { screen, within } from '@testing-library/react';
import {
  entityDomainScorecardCard,
  entityGroupScorecardCard,
} from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  exampleEntity,
  fakeDataMeshApi,
  renderEntityPage,
} from '../../__testUtils__';

const clinical = exampleEntity('hospital/domains.yaml', 'Domain', 'clinical');
const team = exampleEntity('hospital/org.yaml', 'Group', 'clinical-data-team');

const rollup: ScorecardRollupResponse = {
  entityRef: 'domain:default/clinical',
  groupBy: 'domain',
  products: 6,
  averageScore: 67.4,
  levelCounts: { gold: 1, none: 2, bronze: 3 },
  worst: [
    { entityRef: 'dataproduct:default/lab-results', score: 20, level: null },
    {
      entityRef: 'dataproduct:default/patient-records',
      score: 55.2,
      level: 'bronze',
    },
  ],
  compliant: 4,
};

function rows() {
  return within(screen.getByRole('table', { name: 'Lowest scores' }))
    .getAllByRole('row')
    .slice(1);
}

describe('domain scorecard card', () => {
  it('shows the average score, the products per level and the lowest scores', async () => {
    const api = fakeDataMeshApi({ getRollup: jest.fn(async () => rollup) });
    renderEntityPage(clinical, [entityDomainScorecardCard], {
      apis: [[dataMeshApiRef, api]],
    });

    expect(await screen.findByLabelText('Average score')).toHaveTextContent(
      '67',
    );
    expect(screen.getByLabelText('Products evaluated')).toHaveTextContent('6');
    expect(api.getRollup).toHaveBeenCalledWith(
      'domain',
      'domain:default/clinical',
    );

    // Levels in the configured order, below the first level first; no silver product.
    expect(
      within(screen.getByRole('list', { name: 'Products per level' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['No level: 2', 'bronze: 3', 'gold: 1']);

    const [worst, next] = rows();
    expect(within(worst).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/lab-results',
    );
    expect(within(worst).getByText('20')).toBeInTheDocument();
    expect(within(worst).getByText('No level')).toBeInTheDocument();
    expect(within(next).getByText('patient-records')).toBeInTheDocument();
    expect(within(next).getByText('55')).toBeInTheDocument();
    expect(
      within(next).getByText('bronze').closest('[data-level-tone]'),
    ).toHaveAttribute('data-level-tone', 'bronze');
  });

  it('still shows the rollup when the rules cannot be read', async () => {
    renderEntityPage(clinical, [entityDomainScorecardCard], {
      apis: [
        [
          dataMeshApiRef,
          fakeDataMeshApi({
            getRollup: jest.fn(async () => rollup),
            getRules: jest.fn(async () => {
              throw new Error('rules unavailable');
            }),
          }),
        ],
      ],
    });

    expect(await screen.findByLabelText('Average score')).toHaveTextContent(
      '67',
    );
    expect(
      within(screen.getByRole('list', { name: 'Products per level' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['No level: 2', 'bronze: 3', 'gold: 1']);
  });

  it('says so when no product of the domain has been evaluated', async () => {
    renderEntityPage(clinical, [entityDomainScorecardCard], {
      apis: [[dataMeshApiRef, fakeDataMeshApi()]],
    });

    expect(
      await screen.findByText(
        'No data product of this domain has been evaluated yet',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the rollup cannot be loaded', async () => {
    renderEntityPage(clinical, [entityDomainScorecardCard], {
      apis: [
        [
          dataMeshApiRef,
          fakeDataMeshApi({
            getRollup: jest.fn(async () => {
              throw new Error('Rollup unavailable');
            }),
          }),
        ],
      ],
    });

    expect(
      (await screen.findAllByText(/Rollup unavailable/))[0],
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    const api = fakeDataMeshApi();
    renderEntityPage(dataProduct('orders'), [entityDomainScorecardCard], {
      apis: [[dataMeshApiRef, api]],
    });

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(
      screen.queryByText('Data product scorecards'),
    ).not.toBeInTheDocument();
    expect(api.getRollup).not.toHaveBeenCalled();
  });
});

describe('group scorecard card', () => {
  it('shows the scorecards of the products the team owns', async () => {
    const api = fakeDataMeshApi({
      getRollup: jest.fn(async () => ({
        ...rollup,
        entityRef: 'group:default/clinical-data-team',
        groupBy: 'owner' as const,
        products: 2,
        averageScore: 37.6,
        levelCounts: { none: 1, bronze: 1 },
      })),
    });
    renderEntityPage(team, [entityGroupScorecardCard], {
      apis: [[dataMeshApiRef, api]],
    });

    expect(await screen.findByLabelText('Average score')).toHaveTextContent(
      '38',
    );
    expect(screen.getByLabelText('Products evaluated')).toHaveTextContent('2');
    expect(api.getRollup).toHaveBeenCalledWith(
      'owner',
      'group:default/clinical-data-team',
    );
    expect(rows()).toHaveLength(2);
  });

  it('says so when none of the team’s products has been evaluated', async () => {
    renderEntityPage(team, [entityGroupScorecardCard], {
      apis: [[dataMeshApiRef, fakeDataMeshApi()]],
    });

    expect(
      await screen.findByText(
        'No data product of this team has been evaluated yet',
      ),
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityGroupScorecardCard], {
      apis: [[dataMeshApiRef, fakeDataMeshApi()]],
    });

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(
      screen.queryByText('Data product scorecards'),
    ).not.toBeInTheDocument();
  });
});
