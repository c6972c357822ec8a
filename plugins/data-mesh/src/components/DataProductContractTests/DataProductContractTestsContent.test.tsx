import {
  ContractTestRunResponse,
  ContractTestsResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityDataProductContractTestsContent } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
  renderEntityPage,
  responseError,
} from '../../__testUtils__';
import { formatDateTime } from '../shared';

jest.setTimeout(30_000);

const product = dataProduct('customer-orders');
const entityRef = 'dataproduct:default/customer-orders';
const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

function run(
  overrides: Partial<ContractTestRunResponse> = {},
): ContractTestRunResponse {
  return {
    id: 'run-2',
    entityRef,
    contractRef: 'api:default/orders-contract',
    contractId: 'orders-odcs',
    version: '1.2.0',
    server: 'warehouse',
    trigger: 'schedule',
    startedAt: minutesAgo(6),
    finishedAt: minutesAgo(5),
    summary: { passed: 2, failed: 1, errors: 1, skipped: 1 },
    checks: [
      { object: 'orders', metric: 'exists', outcome: 'pass' },
      {
        object: 'orders',
        property: 'order_id',
        metric: 'required',
        outcome: 'pass',
        measured: 0,
        expected: '= 0 nulls',
      },
      {
        object: 'orders',
        property: 'customer_email',
        metric: 'nullValues',
        name: 'Every order has an email',
        outcome: 'fail',
        measured: 2,
        expected: '= 0',
        message:
          'orders.customer_email has 2 null values, the contract allows 0',
      },
      {
        object: 'orders',
        metric: 'freshness',
        outcome: 'error',
        message: 'orders.updated_at: no such column',
      },
      {
        object: 'orders',
        metric: 'sql',
        outcome: 'skipped',
        message: 'custom rules are not checked',
      },
    ],
    ...overrides,
  };
}

const history = [3, 2, 0, 2].map((failed, index) => ({
  runId: `run-${index - 2}`,
  version: '1.2.0',
  finishedAt: minutesAgo(60 * (4 - index)),
  summary: { passed: 3 - failed, failed, errors: 0, skipped: 1 },
}));

const tested: ContractTestsResponse = {
  entityRef,
  summary: { passed: 2, failed: 1, errors: 1, skipped: 1 },
  contracts: [
    { contractRef: 'api:default/orders-contract', latest: run(), history },
    { contractRef: 'api:default/refunds-contract', history: [] },
  ],
};

function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  permission = permissionsAllowing(),
  entity = product,
) {
  return renderEntityPage(entity, [entityDataProductContractTestsContent], {
    apis: [[dataMeshApiRef, api], permission],
  });
}

/** The text of each cell of each body row of a table. */
function rowsOf(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );
}

describe('data product contract tests', () => {
  it('shows each check with what was measured, what was expected and the outcome, failures first', async () => {
    const api = fakeDataMeshApi({
      getContractTests: jest.fn(async () => tested),
    });
    render(api);

    const checks = await screen.findByRole('region', {
      name: 'Checks of api:default/orders-contract',
    });
    // The column checked, then the table it is of (or "table" for a check of the table).
    expect(rowsOf(checks)).toEqual([
      [
        'Failed',
        'customer_emailof orders',
        'nullValuesEvery order has an email',
        '2',
        '= 0',
        'orders.customer_email has 2 null values, the contract allows 0',
      ],
      [
        'Error',
        'orderstable',
        'freshness',
        '',
        '',
        'orders.updated_at: no such column',
      ],
      ['Passed', 'orderstable', 'exists', '', '', ''],
      ['Passed', 'order_idof orders', 'required', '0', '= 0 nulls', ''],
      ['Skipped', 'orderstable', 'sql', '', '', 'custom rules are not checked'],
    ]);
    expect(
      within(checks)
        .getAllByRole('columnheader')
        .map(header => header.textContent),
    ).toEqual([
      'Outcome',
      'Checked',
      'Check',
      'Measured',
      'Expected',
      'Message',
    ]);
    expect(api.getContractTests).toHaveBeenCalledWith(entityRef);
  });

  it('says when and where the last run was, with its counts and version', async () => {
    const finishedAt = tested.contracts[0].latest!.finishedAt;
    render(fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }));

    await screen.findByText('ODCS orders-odcs, version 1.2.0');
    const lastRuns = screen.getAllByText(
      `5 minutes ago (${formatDateTime(finishedAt)})`,
      { exact: false },
    );
    // The product's header and the contract's card.
    expect(lastRuns).toHaveLength(2);
    expect(lastRuns[1]).toHaveTextContent('scheduled run');
    expect(screen.getByText('warehouse')).toBeInTheDocument();
    expect(screen.getAllByText('1 failed')).toHaveLength(2);
    expect(screen.getAllByText('1 error')).toHaveLength(2);
    expect(screen.getByText('1 of 2 tested')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'orders-contract' }),
    ).toHaveAttribute('href', '/catalog/default/api/orders-contract');
  });

  it('shows the trend of failed checks over the recent runs', async () => {
    render(fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }));

    expect(
      await screen.findByRole('img', {
        name: 'Failed checks and errors in the last 4 runs, oldest first: 3, 2, 0, 2',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('failed checks and errors, last 4 runs: 3 → 2'),
    ).toBeInTheDocument();
  });

  it('says a contract that never ran is not tested yet, and why', async () => {
    render(fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }));

    expect(await screen.findByText('Not tested yet')).toBeInTheDocument();
    expect(
      screen.getByText(/has never been run against its data/),
    ).toBeInTheDocument();
  });

  it('says a contract without a configured server was not tested on data, and why', async () => {
    const noServer = run({
      server: null,
      summary: { passed: 0, failed: 0, errors: 1, skipped: 0 },
      checks: [
        {
          object: '',
          metric: 'exists',
          outcome: 'error',
          message: 'Server warehouse-eu is not in dataMesh.servers',
        },
      ],
    });
    render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => ({
          ...tested,
          contracts: [
            { ...tested.contracts[0], latest: noServer, history: [] },
          ],
        })),
      }),
    );

    expect(
      await screen.findByText('Not tested on data: no data server.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Server warehouse-eu is not in dataMesh.servers'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /^Checks of/ })).toBeNull();
  });

  it('says when a run measured nothing, every check ending in an error', async () => {
    const unreachable = run({
      server: 'warehouse-eu',
      summary: { passed: 0, failed: 0, errors: 1, skipped: 0 },
      checks: [
        {
          object: 'orders',
          metric: 'exists',
          outcome: 'error',
          message: 'server warehouse-eu is not configured',
        },
      ],
    });
    render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => ({
          ...tested,
          contracts: [{ ...tested.contracts[0], latest: unreachable }],
        })),
      }),
    );

    expect(
      await screen.findByText(/Nothing was measured in the last run/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('server warehouse-eu is not configured'),
    ).toBeInTheDocument();
  });

  it('does not say nothing was measured when something was', async () => {
    render(fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }));

    await screen.findByText('ODCS orders-odcs, version 1.2.0');
    expect(screen.queryByText(/Nothing was measured/)).toBeNull();
  });

  it('says when a product provides no contract to test', async () => {
    render(fakeDataMeshApi());

    expect(
      await screen.findByText(/this product provides no ODCS contract/),
    ).toBeInTheDocument();
  });

  it('offers Run now only to those allowed to run the tests', async () => {
    render(fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }));

    await screen.findByText('ODCS orders-odcs, version 1.2.0');
    expect(screen.queryByRole('button', { name: 'Run now' })).toBeNull();
  });

  it('runs the tests now, disabled while running, then shows the new run', async () => {
    let finish: (value: ContractTestsResponse) => void = () => {};
    const rerun: ContractTestsResponse = {
      ...tested,
      summary: { passed: 4, failed: 0, errors: 0, skipped: 1 },
      contracts: [
        {
          ...tested.contracts[0],
          latest: run({
            id: 'run-3',
            trigger: 'manual',
            finishedAt: new Date().toISOString(),
            summary: { passed: 4, failed: 0, errors: 0, skipped: 1 },
            checks: [{ object: 'orders', metric: 'exists', outcome: 'pass' }],
          }),
        },
        tested.contracts[1],
      ],
    };
    const api = fakeDataMeshApi({
      getContractTests: jest.fn(async () => tested),
      runContractTests: jest.fn(
        () => new Promise<ContractTestsResponse>(resolve => (finish = resolve)),
      ),
    });
    render(api, permissionsAllowing('data-mesh.contract-test.run'));

    const button = await screen.findByRole('button', { name: 'Run now' });
    await userEvent.click(button);
    expect(api.runContractTests).toHaveBeenCalledWith(entityRef);
    await waitFor(() => expect(button).toBeDisabled());
    finish(rerun);

    await waitFor(() => expect(button).toBeEnabled());
    expect(
      screen.getAllByText('just now', { exact: false })[1],
    ).toHaveTextContent('run on request');
    expect(screen.queryByText('1 failed')).toBeNull();
  });

  it('says why a run was refused', async () => {
    const api = fakeDataMeshApi({
      getContractTests: jest.fn(async () => tested),
      runContractTests: jest.fn(async () => {
        throw await responseError(403, {
          name: 'NotAllowedError',
          message: 'You may not run the contract tests of this product',
        });
      }),
    });
    render(api, permissionsAllowing('data-mesh.contract-test.run'));

    await userEvent.click(
      await screen.findByRole('button', { name: 'Run now' }),
    );
    expect(
      await screen.findByText(
        'Could not run the contract tests: You may not run the contract tests of this product',
      ),
    ).toBeInTheDocument();
    // The last results stay.
    expect(screen.getAllByText('1 failed')).toHaveLength(2);
  });

  it('shows text from the data as text', async () => {
    const hostile = run({
      checks: [
        {
          object: '<img src=x onerror=alert(1)>',
          metric: 'invalidValues',
          outcome: 'fail',
          measured: { sample: '<script>alert(1)</script>' },
          expected: '<b>0</b>',
          message: '<script>alert(2)</script>',
        },
      ],
    });
    const { container } = await render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => ({
          ...tested,
          contracts: [{ ...tested.contracts[0], latest: hostile }],
        })),
      }),
    );

    expect(
      await screen.findByText('<script>alert(2)</script>'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('{"sample":"<script>alert(1)</script>"}'),
    ).toBeInTheDocument();
    expect(container.querySelector('script, img[src="x"], b')).toBeNull();
  });

  it('is only on data products', async () => {
    const api = fakeDataMeshApi();
    render(api, permissionsAllowing(), component);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(api.getContractTests).not.toHaveBeenCalled();
  });
});
