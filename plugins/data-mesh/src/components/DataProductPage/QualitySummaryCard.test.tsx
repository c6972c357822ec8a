import {
  ContractTestsResponse,
  GovernanceResponse,
  ScorecardResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, within } from '@testing-library/react';
import { entityDataProductQualitySummaryCard } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  fakeDataMeshApi,
  renderEntityPage,
} from '../../__testUtils__';

// Whole test apps render slowly on a busy CI machine.
jest.setTimeout(30_000);

const product = dataProduct('lab-results', {
  slos: { freshness: 'PT1H', availability: 99.9 },
});
const entityRef = 'dataproduct:default/lab-results';
const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

const scorecard: ScorecardResponse = {
  entityRef,
  evaluatedAt: minutesAgo(5),
  score: 71.6,
  level: 'silver',
  levels: ['bronze', 'silver', 'gold'],
  definitions: [],
  checks: [],
};

const governance: GovernanceResponse = {
  entityRef,
  evaluatedAt: minutesAgo(5),
  compliant: false,
  policies: [],
  waivers: [],
  results: [
    {
      id: 'a',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'fail',
      blocking: true,
    },
    {
      id: 'b',
      severity: 'warning',
      enforcement: 'warn',
      origin: 'global',
      outcome: 'fail',
      blocking: false,
    },
  ],
};

const tests: ContractTestsResponse = {
  entityRef,
  summary: { passed: 5, failed: 1, errors: 0, skipped: 1 },
  contracts: [
    {
      contractRef: 'api:default/lab-results-contract',
      history: [],
      latest: {
        id: 'run-1',
        entityRef,
        contractRef: 'api:default/lab-results-contract',
        contractId: 'lab-results',
        version: '2.2.0',
        server: 'example-data',
        trigger: 'schedule',
        startedAt: minutesAgo(21),
        finishedAt: minutesAgo(20),
        summary: { passed: 5, failed: 1, errors: 0, skipped: 1 },
        checks: [
          {
            object: 'results',
            metric: 'freshness',
            outcome: 'fail',
            measured: '3h 12m',
            message:
              'the newest value of results.resulted_at is 3h 12m old, more than 1 hours',
          },
        ],
      },
    },
  ],
};

function render(api = fakeDataMeshApi(), entity = product) {
  return renderEntityPage(entity, [entityDataProductQualitySummaryCard], {
    apis: [[dataMeshApiRef, api]],
  });
}

/** The value next to a label of the card. */
function field(label: string) {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling as HTMLElement;
}

describe('quality at a glance', () => {
  it('shows the score and level, compliance, contract tests and service levels promised and measured', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => scorecard),
        getGovernance: jest.fn(async () => governance),
        getContractTests: jest.fn(async () => tests),
      }),
    );

    expect(await screen.findByLabelText('Score')).toHaveTextContent('72');
    expect(within(field('Score')).getByText('silver')).toBeInTheDocument();
    expect(
      await within(field('Compliance')).findByText('Not compliant'),
    ).toBeInTheDocument();
    expect(field('Compliance')).toHaveTextContent('1 blocking policy');
    expect(
      await within(field('Contract tests')).findByText(
        '5 of 6 checks passed, 1 failed',
      ),
    ).toBeInTheDocument();
    expect(field('Contract tests')).toHaveTextContent(
      'last run 20 minutes ago',
    );
    expect(field('Freshness')).toHaveTextContent(
      'Promised: at most 1 hour old',
    );
    expect(field('Freshness')).toHaveTextContent('newest data 3h 12m old');
    expect(within(field('Freshness')).getByText('Failed')).toBeInTheDocument();
    expect(field('Availability')).toHaveTextContent('Promised: 99.9 %');
    expect(field('Availability')).toHaveTextContent(
      'Not measured by the portal',
    );
  });

  it('links to the Quality and Governance tabs', async () => {
    render();
    expect(
      await screen.findByRole('link', { name: 'Policies and waivers' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/lab-results/governance',
    );
    expect(
      screen.getByRole('link', { name: /Quality details/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/lab-results/quality',
    );
  });

  it('says what is not evaluated, tested or promised yet', async () => {
    render(fakeDataMeshApi(), dataProduct('lab-results'));
    await screen.findByText('Quality at a glance');
    expect(
      await within(field('Score')).findByText('Not evaluated yet'),
    ).toBeInTheDocument();
    expect(
      await within(field('Compliance')).findByText('Not evaluated yet'),
    ).toBeInTheDocument();
    expect(
      await within(field('Contract tests')).findByText('No contract to test'),
    ).toBeInTheDocument();
    expect(field('Freshness')).toHaveTextContent('No freshness promised');
  });

  it('says which part could not be loaded and still shows the others', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => {
          throw new Error('scorecards are down');
        }),
        getGovernance: jest.fn(async () => ({
          ...governance,
          compliant: true,
        })),
      }),
    );
    await screen.findByText('Quality at a glance');
    expect(
      await within(field('Score')).findByText(
        /Unavailable: scorecards are down/,
      ),
    ).toBeInTheDocument();
    expect(
      await within(field('Compliance')).findByText('Compliant'),
    ).toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    render(fakeDataMeshApi(), component);
    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Quality at a glance')).not.toBeInTheDocument();
  });
});
