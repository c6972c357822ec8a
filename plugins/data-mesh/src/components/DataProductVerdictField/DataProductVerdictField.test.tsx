import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EvaluateResponse,
  GovernancePolicy,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { act, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { dataMeshApiRef } from '../../api';
import { fakeDataMeshApi, responseError } from '../../__testUtils__';
import { DataProductVerdictField } from './DataProductVerdictField';
import { DataProductVerdictFieldProps } from './schema';

/** The "New data product" form, filled in as far as the verdict page. */
const form = {
  name: 'customer-lifetime-value',
  title: 'Customer Lifetime Value',
  domain: 'domain:default/sales',
  owner: 'group:default/sales-data',
  type: 'consumer-aligned',
  status: 'draft',
  classification: 'internal',
  personalData: true,
  purpose: 'Rank customers by predicted value for retention campaigns.',
  outputPorts: [
    {
      name: 'scores',
      type: 'table',
      columns: [{ name: 'customer_id', type: 'string' }],
    },
  ],
  freshness: 'P1D',
  availability: 99,
};

const policy = (
  id: string,
  title: string,
  more: Partial<GovernancePolicy> = {},
): GovernancePolicy => ({
  id,
  title,
  severity: 'error',
  enforcement: 'enforce',
  origin: 'global',
  rule: 'true',
  remediation: `Fix ${id}.`,
  ...more,
});

const rules: RulesResponse = {
  levels: ['bronze', 'silver', 'gold'],
  checks: [
    {
      id: 'has-description',
      title: 'Description is present',
      category: 'documentation',
      level: 'bronze',
      rule: 'true',
      origin: 'global',
      remediation: 'Add metadata.description.',
    },
    {
      id: 'support-channel',
      title: 'A support channel is listed',
      category: 'operations',
      level: 'silver',
      rule: 'true',
      origin: 'global',
      remediation: 'Add spec.support with a channel and its url.',
    },
  ],
  policies: [
    policy('naming-convention', 'Names follow the convention', {
      severity: 'warning',
      enforcement: 'warn',
      remediation: 'Name products <domain>-<subject>.',
    }),
    policy('personal-data-protected', 'Personal data is protected', {
      remediation: 'Set spec.classification to confidential or restricted.',
    }),
    policy('has-owner', 'Products have an owner'),
    // A domain policy of another domain with the same id as a global one.
    policy('personal-data-protected', 'Finance: personal data', {
      origin: 'domain',
      domainRef: 'domain:default/finance',
      remediation: 'Ask the finance data office.',
    }),
  ],
};

const nonCompliant: EvaluateResponse = {
  scorecard: {
    score: 40,
    level: 'bronze',
    checks: [
      { id: 'has-description', outcome: 'pass' },
      { id: 'support-channel', outcome: 'fail' },
    ],
  },
  governance: {
    compliant: false,
    results: [
      {
        id: 'naming-convention',
        severity: 'warning',
        enforcement: 'warn',
        origin: 'global',
        outcome: 'fail',
        message: 'customer-lifetime-value has no domain prefix',
        blocking: false,
      },
      {
        id: 'has-owner',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'global',
        outcome: 'pass',
        blocking: false,
      },
      {
        id: 'personal-data-protected',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'global',
        outcome: 'fail',
        message: 'spec.classification is internal',
        blocking: true,
      },
    ],
  },
};

const compliant: EvaluateResponse = {
  scorecard: {
    score: 100,
    level: 'silver',
    checks: [
      { id: 'has-description', outcome: 'pass' },
      { id: 'support-channel', outcome: 'pass' },
    ],
  },
  governance: {
    compliant: true,
    results: [
      {
        id: 'personal-data-protected',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'global',
        outcome: 'pass',
        blocking: false,
      },
    ],
  },
};

/** Changes the form the field reads, as the scaffolder does on every keystroke. */
let changeForm: (values: Record<string, unknown>) => void;

/** The field as the scaffolder renders it: the whole form's data in `formContext.formData`. */
function Form(props: { initial: Record<string, unknown> }) {
  const [formData, setFormData] = useState(props.initial);
  changeForm = values => setFormData(values);
  const fieldProps = {
    name: 'verdict',
    schema: {
      type: 'null',
      title: 'Governance verdict',
      description: 'The product as it will be created, checked now.',
    },
    uiSchema: {
      'ui:field': 'DataProductVerdict',
      'ui:options': { descriptorInput: { contractsDirectory: 'contracts' } },
    },
    idSchema: { $id: 'root_verdict' },
    formContext: { formData },
    onChange: jest.fn(),
  } as unknown as DataProductVerdictFieldProps;
  return <DataProductVerdictField {...fieldProps} />;
}

async function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  initial: Record<string, unknown> = form,
) {
  renderInTestApp(<Form initial={initial} />, {
    apis: [[dataMeshApiRef, api]],
  });
  // The rules arrive.
  await act(async () => {});
}

/** Lets the debounce delay pass, and the answers arrive. */
async function wait(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}

describe('DataProductVerdictField', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('evaluates the product of the form once, 600 ms after the last of several changes', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => compliant),
    });
    await render(api);

    await wait(300);
    act(() => changeForm({ ...form, title: 'Customer Value' }));
    await wait(300);
    act(() => changeForm({ ...form, title: 'Customer Value', version: '1' }));
    await wait(300);
    act(() =>
      changeForm({ ...form, title: 'Customer Value', version: '1.0.0' }),
    );
    await wait(599);
    expect(api.dryRun).not.toHaveBeenCalled();
    expect(
      screen.getByText(
        'Checking the data product against the governance policies…',
      ),
    ).toBeInTheDocument();

    await wait(1);
    expect(api.dryRun).toHaveBeenCalledTimes(1);
    // The product the descriptor action would write: picked refs the short way, the SLOs, the
    // contract API named after the port (descriptorInput), the columns left out.
    expect(api.dryRun).toHaveBeenCalledWith({
      entity: {
        apiVersion: 'datamesh-portal.io/v1alpha1',
        kind: 'DataProduct',
        metadata: { name: 'customer-lifetime-value', title: 'Customer Value' },
        spec: {
          owner: 'group:sales-data',
          domain: 'sales',
          status: 'draft',
          type: 'consumer-aligned',
          version: '1.0.0',
          classification: 'internal',
          personalData: true,
          purpose: 'Rank customers by predicted value for retention campaigns.',
          slos: { freshness: 'P1D', availability: 99 },
          outputPorts: [
            {
              name: 'scores',
              type: 'table',
              contract: 'customer-lifetime-value-scores-contract',
            },
          ],
        },
      },
    });
    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Compliant',
    );

    // A change that leaves the product as it is (the field's own value, say) is not evaluated.
    act(() =>
      changeForm({
        ...form,
        title: 'Customer Value',
        version: '1.0.0',
        verdict: null,
      }),
    );
    await wait(1000);
    expect(api.dryRun).toHaveBeenCalledTimes(1);
  });

  it('shows a non-compliant verdict: blocking policies first with how to comply, warnings, score and failing checks', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => nonCompliant),
    });
    await render(api);
    await wait(600);

    expect(
      screen.getByRole('region', { name: 'Governance verdict' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The product as it will be created, checked now.'),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Not compliant',
    );
    expect(screen.getByText('1 blocking failure, 1 warning')).toBeVisible();
    expect(
      screen.getByText(
        'Creating this data product will fail until the blocking policies below pass.',
      ),
    ).toBeInTheDocument();
    // Blocking first, then warnings, then the failing checks; passing policies collapsed.
    expect(
      screen.getAllByRole('list').map(list => list.getAttribute('aria-label')),
    ).toEqual(['Blocking', 'Warnings', 'Failing checks']);
    expect(screen.getByText('Passing (1)')).toBeInTheDocument();

    const blocking = within(
      screen.getByRole('list', { name: 'Blocking' }),
    ).getByRole('listitem', { name: 'Personal data is protected' });
    expect(blocking).toHaveAttribute('data-outcome', 'fail');
    expect(
      within(blocking).getByText('spec.classification is internal'),
    ).toBeInTheDocument();
    // The global policy's remediation, not the finance domain's policy of the same id.
    expect(blocking).toHaveTextContent(
      'How to fix: Set spec.classification to confidential or restricted.',
    );

    const warning = within(
      screen.getByRole('list', { name: 'Warnings' }),
    ).getByRole('listitem', { name: 'Names follow the convention' });
    expect(warning).toHaveTextContent(
      'How to fix: Name products <domain>-<subject>.',
    );

    expect(screen.getByLabelText('Score')).toHaveTextContent('40');
    expect(screen.getByText('bronze')).toBeInTheDocument();
    expect(
      screen.getByText('1 of 2 applicable checks failing'),
    ).toBeInTheDocument();
    const failingChecks = screen.getByRole('list', { name: 'Failing checks' });
    expect(within(failingChecks).getAllByRole('listitem')).toHaveLength(1);
    expect(
      within(failingChecks).getByRole('listitem', {
        name: 'A support channel is listed',
      }),
    ).toHaveTextContent(
      'How to fix: Add spec.support with a channel and its url.',
    );
  });

  it('shows a compliant verdict', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => compliant),
    });
    await render(api);
    await wait(600);

    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Compliant',
    );
    expect(screen.getByText('All applicable policies pass')).toBeVisible();
    expect(
      screen.queryByText(/Creating this data product will fail/),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Blocking' })).toBeNull();
    expect(screen.getByLabelText('Score')).toHaveTextContent('100');
    expect(screen.getByText('All 2 applicable checks pass')).toBeVisible();
    expect(screen.queryByRole('list', { name: 'Failing checks' })).toBeNull();
  });

  it('asks for the missing fields of an incomplete form instead of evaluating it', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => compliant),
    });
    await render(api, { name: 'customer-lifetime-value', owner: '' });
    await wait(1000);

    expect(
      screen.getByText(
        "Fill in the data product's owner and domain to see whether it complies with the governance policies.",
      ),
    ).toBeInTheDocument();
    expect(api.dryRun).not.toHaveBeenCalled();

    act(() => changeForm({}));
    expect(
      screen.getByText(
        "Fill in the data product's name, owner and domain to see whether it complies with the governance policies.",
      ),
    ).toBeInTheDocument();

    // Once complete, the form is evaluated.
    act(() => changeForm(form));
    await wait(600);
    expect(api.dryRun).toHaveBeenCalledTimes(1);
    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Compliant',
    );
  });

  it("shows the backend's message when it refuses the draft", async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => {
        throw await responseError(400, {
          name: 'InputError',
          message:
            'spec.slos.freshness: "daily" is not an ISO-8601 duration such as PT24H',
        });
      }),
    });
    await render(api, { ...form, freshness: 'daily' });
    await wait(600);

    expect(
      await screen.findByText('The data product is not valid yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'spec.slos.freshness: "daily" is not an ISO-8601 duration such as PT24H',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Compliance')).toBeNull();
  });

  it('lists each problem of a refused draft on its own line', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => {
        throw await responseError(400, {
          name: 'InputError',
          message:
            'spec.slos.freshness: must be an ISO-8601 duration such as PT24H, got "daily"; spec.owner: is required',
          problems: [
            {
              field: 'spec.slos.freshness',
              message:
                'must be an ISO-8601 duration such as PT24H, got "daily"',
            },
            { field: 'spec.owner', message: 'is required' },
          ],
        });
      }),
    });
    await render(api, { ...form, freshness: 'daily' });
    await wait(600);

    expect(
      await screen.findByText('The data product is not valid yet'),
    ).toBeInTheDocument();
    const items = within(screen.getByRole('list', { name: 'Problems' }))
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(items).toEqual([
      'spec.slos.freshness: must be an ISO-8601 duration such as PT24H, got "daily"',
      'spec.owner: is required',
    ]);
    expect(screen.queryByLabelText('Compliance')).toBeNull();
  });

  it('tells other failures apart', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(async () => {
        throw new Error('Failed to fetch');
      }),
    });
    await render(api);
    await wait(600);

    expect(
      await screen.findByText('Could not check the governance policies'),
    ).toBeInTheDocument();
    expect(screen.getByText('Failed to fetch')).toBeInTheDocument();
  });

  it('drops the answer to an earlier draft that arrives after the latest one', async () => {
    const answers: Array<(response: EvaluateResponse) => void> = [];
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest.fn(
        () =>
          new Promise<EvaluateResponse>(resolve => {
            answers.push(resolve);
          }),
      ),
    });
    await render(api, { ...form, classification: 'internal' });
    await wait(600);
    act(() => changeForm({ ...form, classification: 'confidential' }));
    await wait(600);
    expect(api.dryRun).toHaveBeenCalledTimes(2);

    // The latest draft's verdict arrives first, then the earlier one's.
    await act(async () => answers[1](compliant));
    await act(async () => answers[0](nonCompliant));

    expect(screen.getByLabelText('Compliance')).toHaveTextContent('Compliant');
    expect(screen.queryByRole('list', { name: 'Blocking' })).toBeNull();
  });

  it('keeps showing the last verdict while the next one is on its way', async () => {
    const api = fakeDataMeshApi({
      getRules: jest.fn(async () => rules),
      dryRun: jest
        .fn()
        .mockResolvedValueOnce(nonCompliant)
        .mockResolvedValueOnce(compliant),
    });
    await render(api);
    await wait(600);
    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Not compliant',
    );

    act(() => changeForm({ ...form, classification: 'confidential' }));
    expect(screen.getByLabelText('Compliance')).toHaveTextContent(
      'Not compliant',
    );
    expect(
      screen.getByRole('progressbar', { name: 'Checking the latest changes' }),
    ).toBeInTheDocument();

    await wait(600);
    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Compliant',
    );
    expect(
      screen.queryByRole('progressbar', {
        name: 'Checking the latest changes',
      }),
    ).toBeNull();
  });
});
