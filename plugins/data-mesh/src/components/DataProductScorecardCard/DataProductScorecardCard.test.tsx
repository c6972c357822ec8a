import { mockApis } from '@backstage/frontend-test-utils';
import { ScorecardResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityDataProductScorecardCard } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  fakeDataMeshApi,
  renderEntityPage,
} from '../../__testUtils__';

const product = dataProduct('customer-orders', { owner: 'group:data-team' });
const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

const scorecard: ScorecardResponse = {
  entityRef: 'dataproduct:default/customer-orders',
  evaluatedAt: minutesAgo(5),
  score: 62,
  level: 'bronze',
  levels: ['bronze', 'silver', 'gold'],
  definitions: [
    {
      id: 'has-purpose',
      title: 'Purpose is documented',
      category: 'documentation',
      level: 'bronze',
      rule: 'true',
      remediation: 'Write down the purpose in spec.purpose.',
    },
    {
      id: 'has-usage',
      title: 'Usage is documented',
      category: 'documentation',
      level: 'silver',
      rule: 'true',
      remediation: 'Describe how to use the product in spec.usage.',
    },
    {
      id: 'has-contract',
      title: 'Output ports have contracts',
      category: 'contracts',
      level: 'silver',
      rule: 'true',
    },
    {
      id: 'freshness-known',
      title: 'Freshness is reported',
      category: 'quality',
      level: 'silver',
      rule: 'true',
      remediation: 'Push freshness facts from the pipeline.',
    },
    {
      id: 'tests-pass',
      title: 'Contract tests pass',
      category: 'quality',
      level: 'gold',
      rule: 'true',
      remediation: 'Fix the failing contract tests.',
    },
    {
      id: 'personal-data-restricted',
      title: 'Personal data is restricted',
      category: 'governance',
      rule: 'true',
    },
  ],
  checks: [
    { id: 'has-purpose', outcome: 'pass' },
    { id: 'has-contract', outcome: 'pass' },
    { id: 'has-usage', outcome: 'fail', message: 'spec.usage is missing' },
    {
      id: 'freshness-known',
      outcome: 'error',
      message: 'No such key: freshness',
    },
    { id: 'tests-pass', outcome: 'fail', message: '3 of 40 tests failed' },
    { id: 'personal-data-restricted', outcome: 'skipped' },
  ],
};

const owner = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/data-team'],
});
const stranger = mockApis.identity({
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', 'group:default/other-team'],
});

function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  identity = stranger,
  entity = product,
) {
  return renderEntityPage(entity, [entityDataProductScorecardCard], {
    apis: [[dataMeshApiRef, api], identity],
  });
}

/** The titles of the checks in a list, in order. */
function checkTitles(list: HTMLElement) {
  return within(list)
    .getAllByRole('listitem')
    .map(item => item.getAttribute('aria-label'));
}

describe('data product scorecard card', () => {
  it('shows the score, the level and when the product was evaluated', async () => {
    const api = fakeDataMeshApi({
      getScorecard: jest.fn(async () => scorecard),
    });
    render(api);

    expect(await screen.findByLabelText('Score')).toHaveTextContent('62');
    const level = screen.getAllByText('bronze')[0];
    expect(level.closest('[data-level-tone]')).toHaveAttribute(
      'data-level-tone',
      'bronze',
    );
    expect(screen.getByText('evaluated 5 minutes ago')).toBeInTheDocument();
    expect(
      screen.getByText('3 of 5 applicable checks failing'),
    ).toBeInTheDocument();
    expect(api.getScorecard).toHaveBeenCalledWith(
      'dataproduct:default/customer-orders',
    );
  });

  it('groups checks by category, failing first, with how to fix failures', async () => {
    render(fakeDataMeshApi({ getScorecard: jest.fn(async () => scorecard) }));
    await screen.findByLabelText('Score');

    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual(['documentation', 'quality', 'contracts']);
    expect(
      checkTitles(screen.getByRole('list', { name: 'documentation' })),
    ).toEqual(['Usage is documented', 'Purpose is documented']);
    expect(checkTitles(screen.getByRole('list', { name: 'quality' }))).toEqual([
      'Contract tests pass',
      'Freshness is reported',
    ]);

    const usage = screen.getByRole('listitem', { name: 'Usage is documented' });
    expect(within(usage).getByText('Failed')).toBeInTheDocument();
    expect(
      within(usage).getByText('spec.usage is missing'),
    ).toBeInTheDocument();
    expect(within(usage).getByText('How to fix:')).toBeInTheDocument();
    expect(
      within(usage).getByText('Describe how to use the product in spec.usage.'),
    ).toBeInTheDocument();
    // One badge per row: the level the check counts for is told in words.
    expect(within(usage).getByText('Silver level')).toBeInTheDocument();
    expect(usage.querySelectorAll('.MuiChip-root')).toHaveLength(1);
    // The rule's code is there for those who open it.
    expect(within(usage).getByText('true')).not.toBeVisible();
    await userEvent.click(within(usage).getByText('Rule'));
    expect(within(usage).getByText('true')).toBeVisible();

    const freshness = screen.getByRole('listitem', {
      name: 'Freshness is reported',
    });
    expect(within(freshness).getByText('Error')).toBeInTheDocument();
    expect(
      within(freshness).getByText('Push freshness facts from the pipeline.'),
    ).toBeInTheDocument();

    const purpose = screen.getByRole('listitem', {
      name: 'Purpose is documented',
    });
    expect(within(purpose).getByText('Passed')).toBeInTheDocument();
    expect(
      screen.queryByText('Write down the purpose in spec.purpose.'),
    ).not.toBeInTheDocument();
  });

  it('links failing checks on measured data to the contract test results', async () => {
    const measured: ScorecardResponse = {
      ...scorecard,
      definitions: [
        {
          id: 'contract-tests-passing',
          title: 'Data contract tests pass',
          category: 'contracts',
          level: 'gold',
          rule: 'true',
        },
        {
          id: 'data-fresh',
          title: 'Data is fresh within its SLO',
          category: 'quality',
          level: 'gold',
          rule: 'true',
        },
        ...scorecard.definitions,
      ],
      checks: [
        { id: 'contract-tests-passing', outcome: 'fail', message: '2 failed' },
        { id: 'data-fresh', outcome: 'pass' },
        ...scorecard.checks,
      ],
    };
    render(fakeDataMeshApi({ getScorecard: jest.fn(async () => measured) }));

    const failing = await screen.findByRole('listitem', {
      name: 'Data contract tests pass',
    });
    expect(
      within(failing).getByRole('link', {
        name: 'See the contract test results',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/customer-orders/quality',
    );
    // Only failing checks on measured data link there.
    expect(
      screen.getAllByRole('link', { name: 'See the contract test results' }),
    ).toHaveLength(1);
    expect(
      within(
        screen.getByRole('listitem', { name: 'Data is fresh within its SLO' }),
      ).queryByRole('link'),
    ).toBeNull();
  });

  it('keeps checks that do not apply collapsed at the end', async () => {
    render(fakeDataMeshApi({ getScorecard: jest.fn(async () => scorecard) }));
    const toggle = await screen.findByRole('button', {
      name: /Not applicable to this product \(1\)/,
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByText('Personal data is restricted'),
    ).not.toBeInTheDocument();

    await userEvent.click(toggle);

    const skipped = await screen.findByRole('listitem', {
      name: 'Personal data is restricted',
    });
    expect(within(skipped).getByText('Not applicable')).toBeInTheDocument();
  });

  it('shows unknown levels and no level as neutral chips', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => ({
          ...scorecard,
          level: 'platinum',
        })),
      }),
    );
    expect(
      (await screen.findByText('platinum')).closest('[data-level-tone]'),
    ).toHaveAttribute('data-level-tone', 'neutral');
  });

  it('says why governance holds the level below what the checks earn', async () => {
    const reason =
      'Held at silver, below gold: not compliant with the enforced policy “Personal data is confidential or restricted”. Fix or waive it to hold gold.';
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => ({
          ...scorecard,
          level: 'silver',
          levelCap: {
            checksLevel: 'gold',
            policyIds: ['personal-data-protected'],
            reason,
          },
        })),
      }),
    );
    expect(await screen.findByLabelText('Level cap')).toHaveTextContent(reason);
  });

  it('shows "No level" below the first level', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => ({ ...scorecard, level: null })),
      }),
    );
    expect(
      (await screen.findByText('No level')).closest('[data-level-tone]'),
    ).toHaveAttribute('data-level-tone', 'neutral');
  });

  it('lets owners evaluate the product now and shows the new score', async () => {
    const api = fakeDataMeshApi({
      getScorecard: jest.fn(async () => scorecard),
      evaluate: jest.fn(
        async (): Promise<ScorecardResponse> => ({
          ...scorecard,
          evaluatedAt: new Date().toISOString(),
          score: 100,
          level: 'gold',
          checks: scorecard.checks.map(check => ({
            id: check.id,
            outcome: check.outcome === 'skipped' ? 'skipped' : 'pass',
          })),
        }),
      ),
    });
    render(api, owner);
    expect(await screen.findByLabelText('Score')).toHaveTextContent('62');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate now' }),
    );

    await waitFor(() =>
      expect(screen.getByLabelText('Score')).toHaveTextContent('100'),
    );
    expect(api.evaluate).toHaveBeenCalledWith(
      'dataproduct:default/customer-orders',
    );
    expect(screen.getByText('evaluated just now')).toBeInTheDocument();
    expect(screen.getAllByText('gold')[0]).toBeInTheDocument();
    expect(
      screen.getByText('All 5 applicable checks pass'),
    ).toBeInTheDocument();
    expect(screen.queryByText('How to fix:')).not.toBeInTheDocument();
  });

  it('says so when the evaluation is refused, and keeps the last score', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => scorecard),
        evaluate: jest.fn(async () => {
          throw new Error('You may not evaluate this product');
        }),
      }),
      owner,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate now' }),
    );

    expect(
      await screen.findByText(
        'Could not evaluate: You may not evaluate this product',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Score')).toHaveTextContent('62');
  });

  it('has no "Evaluate now" button for users who do not own the product', async () => {
    const getBackstageIdentity = jest.fn(async () => ({
      type: 'user' as const,
      userEntityRef: 'user:default/bob',
      ownershipEntityRefs: ['user:default/bob', 'group:default/other-team'],
    }));
    const identity = mockApis.identity.mock({ getBackstageIdentity });
    render(
      fakeDataMeshApi({ getScorecard: jest.fn(async () => scorecard) }),
      identity,
    );
    await screen.findByLabelText('Score');
    await waitFor(() => expect(getBackstageIdentity).toHaveBeenCalled());
    await act(async () => {});

    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });

  it('says when the product has not been evaluated yet, and lets owners evaluate it', async () => {
    const api = fakeDataMeshApi({
      evaluate: jest.fn(async () => ({
        ...scorecard,
        evaluatedAt: new Date().toISOString(),
      })),
    });
    render(api, owner);

    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate now' }),
    );

    expect(await screen.findByLabelText('Score')).toHaveTextContent('62');
    expect(screen.queryByText('Not evaluated yet')).not.toBeInTheDocument();
  });

  it('shows the error when the scorecard cannot be loaded', async () => {
    render(
      fakeDataMeshApi({
        getScorecard: jest.fn(async () => {
          throw new Error('Scorecard service unavailable');
        }),
      }),
    );

    expect(
      (await screen.findAllByText(/Scorecard service unavailable/))[0],
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Score')).not.toBeInTheDocument();
  });

  it('is not shown on other kinds', async () => {
    const api = fakeDataMeshApi();
    render(api, stranger, component);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Scorecard')).not.toBeInTheDocument();
    expect(api.getScorecard).not.toHaveBeenCalled();
  });
});
