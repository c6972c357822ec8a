import { mockApis } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  GovernancePolicy,
  GovernanceResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityDataProductGovernanceCard } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
  renderEntityPage,
  responseError,
} from '../../__testUtils__';

const product = dataProduct('customer-orders');
const entityRef = 'dataproduct:default/customer-orders';
const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 24 * 3600_000).toISOString();

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

const governance: GovernanceResponse = {
  entityRef,
  evaluatedAt: daysFromNow(0),
  compliant: false,
  policies: [
    policy('has-owner', 'Products have an owner'),
    policy('personal-data-restricted', 'Personal data is restricted', {
      origin: 'domain',
      domainRef: 'domain:default/sales',
      description: 'Products holding personal data are restricted.',
      remediation: 'Set spec.classification to restricted.',
    }),
    policy('has-sla', 'Output ports declare an SLA', { severity: 'warning' }),
    policy('has-tests', 'Contracts have quality tests', {
      enforcement: 'warn',
    }),
    policy('has-purpose', 'Purpose is documented'),
    policy('retention-set', 'Retention is set'),
    policy('eu-residency', 'EU data stays in the EU'),
  ],
  results: [
    {
      id: 'has-owner',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'pass',
      blocking: false,
    },
    {
      id: 'personal-data-restricted',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'domain',
      domainRef: 'domain:default/sales',
      outcome: 'fail',
      message: 'spec.classification is internal',
      blocking: true,
    },
    {
      id: 'has-sla',
      severity: 'warning',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'fail',
      blocking: false,
    },
    {
      id: 'has-tests',
      severity: 'error',
      enforcement: 'warn',
      origin: 'global',
      outcome: 'error',
      message: 'No such key: tests',
      blocking: false,
    },
    {
      id: 'has-purpose',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'pass',
      blocking: false,
    },
    {
      id: 'retention-set',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'waived',
      blocking: false,
      waiverId: 'w-1',
    },
    {
      id: 'eu-residency',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      outcome: 'skipped',
      blocking: false,
    },
  ],
  waivers: [
    {
      id: 'w-2',
      entityRef,
      policyId: 'has-sla',
      reason: 'The SLA is being negotiated',
      status: 'pending',
      requestedBy: 'user:default/alice',
      requestedAt: daysFromNow(-1),
      expiresAt: daysFromNow(61),
    },
    {
      id: 'w-1',
      entityRef,
      policyId: 'retention-set',
      reason: 'Legal is reviewing retention',
      status: 'approved',
      requestedBy: 'user:default/alice',
      requestedAt: daysFromNow(-10),
      expiresAt: daysFromNow(30),
      decidedBy: 'user:default/gina',
      decidedAt: daysFromNow(-9),
      decisionComment: 'Until the review ends',
    },
  ],
};

const compliant: GovernanceResponse = {
  ...governance,
  compliant: true,
  results: governance.results.map(result => ({
    ...result,
    outcome: result.outcome === 'skipped' ? 'skipped' : 'pass',
    blocking: false,
    waiverId: undefined,
  })),
  waivers: [],
};

function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  permission = permissionsAllowing(),
  entity = product,
) {
  return renderEntityPage(entity, [entityDataProductGovernanceCard], {
    apis: [[dataMeshApiRef, api], permission],
  });
}

// Filling in forms on a whole test app takes a while on a busy CI machine.
jest.setTimeout(30_000);

const withGovernance = (response = governance) =>
  fakeDataMeshApi({ getGovernance: jest.fn(async () => response) });

/** The titles of the results in a list, in order. */
function titles(name: string) {
  return within(screen.getByRole('list', { name }))
    .getAllByRole('listitem')
    .map(item => item.getAttribute('aria-label'));
}

async function waiverRow(reason: string) {
  return (await screen.findByText(reason)).closest('tr') as HTMLElement;
}

describe('data product governance card', () => {
  it('shows a non-compliant product with blocking failures first, then warnings, waived and passing policies', async () => {
    const api = withGovernance();
    render(api);

    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Not compliant',
    );
    expect(
      screen.getByText('1 blocking failure, 2 warnings, 1 waived'),
    ).toBeInTheDocument();
    expect(api.getGovernance).toHaveBeenCalledWith(entityRef);
    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual([
      'Blocking (1)',
      'Warnings (2)',
      'Waived (1)',
      'Passing (2)',
      'Waivers',
    ]);
    expect(titles('Blocking')).toEqual(['Personal data is restricted']);
    // Errors before warnings in a group.
    expect(titles('Warnings')).toEqual([
      'Contracts have quality tests',
      'Output ports declare an SLA',
    ]);
    expect(titles('Waived')).toEqual(['Retention is set']);
    expect(titles('Passing')).toEqual([
      'Products have an owner',
      'Purpose is documented',
    ]);
  });

  it('shows each result with one outcome badge, its origin, what a failure does, its message and how to comply', async () => {
    render(withGovernance());

    const blocking = await screen.findByRole('listitem', {
      name: 'Personal data is restricted',
    });
    expect(within(blocking).getByText('Failed')).toBeInTheDocument();
    // One badge per row: severity and enforcement are told in words, not as more chips.
    expect(blocking.querySelectorAll('.MuiChip-root')).toHaveLength(1);
    expect(
      within(blocking).getByText(
        /Enforced: a failure makes the product not compliant/,
      ),
    ).toBeInTheDocument();
    expect(
      within(blocking).getByRole('link', { name: 'sales' }),
    ).toHaveAttribute('href', '/catalog/default/domain/sales');
    expect(
      within(blocking).getByText(
        'Products holding personal data are restricted.',
      ),
    ).toBeInTheDocument();
    expect(
      within(blocking).getByText('spec.classification is internal'),
    ).toBeInTheDocument();
    expect(within(blocking).getByText('How to fix:')).toBeInTheDocument();
    expect(
      within(blocking).getByText('Set spec.classification to restricted.'),
    ).toBeInTheDocument();

    const tests = screen.getByRole('listitem', {
      name: 'Contracts have quality tests',
    });
    expect(within(tests).getByText('Error')).toBeInTheDocument();
    expect(tests.querySelectorAll('.MuiChip-root')).toHaveLength(1);
    expect(within(tests).getByText(/Warns when it fails/)).toBeInTheDocument();
    expect(within(tests).getByText(/^Global policy/)).toBeInTheDocument();
    expect(within(tests).getByText('Fix has-tests.')).toBeInTheDocument();

    const sla = screen.getByRole('listitem', {
      name: 'Output ports declare an SLA',
    });
    expect(
      within(sla).getByText(/Waiver requested .*, waiting for a decision/),
    ).toBeInTheDocument();

    const retention = screen.getByRole('listitem', {
      name: 'Retention is set',
    });
    expect(within(retention).getByText('Waived')).toBeInTheDocument();
    expect(within(retention).getByText(/Waived until/)).toBeInTheDocument();

    const owner = screen.getByRole('listitem', {
      name: 'Products have an owner',
    });
    expect(within(owner).getByText('Passed')).toBeInTheDocument();
    expect(within(owner).queryByText('How to fix:')).not.toBeInTheDocument();
  });

  it('shows a policy by its title and keeps its rule behind a disclosure', async () => {
    render(
      withGovernance({
        ...governance,
        policies: governance.policies.map(p =>
          p.id === 'personal-data-restricted'
            ? {
                ...p,
                rule: "product.spec.classification in ['confidential', 'restricted']",
                appliesTo: 'product.spec.containsPii',
              }
            : p,
        ),
      }),
    );
    const blocking = await screen.findByRole('listitem', {
      name: 'Personal data is restricted',
    });
    // The title names the row; the policy's id is not shown.
    expect(
      within(blocking).queryByText(/personal-data-restricted/),
    ).not.toBeInTheDocument();
    const code = within(blocking).getByText(
      "product.spec.classification in ['confidential', 'restricted']",
    );
    expect(code).not.toBeVisible();
    await userEvent.click(within(blocking).getByText('Rule'));
    expect(code).toBeVisible();
    expect(
      within(blocking).getByText('product.spec.containsPii'),
    ).toBeVisible();
  });

  it('keeps policies that do not apply collapsed at the end', async () => {
    render(withGovernance());
    const toggle = await screen.findByRole('button', {
      name: /Not applicable to this product \(1\)/,
    });
    expect(
      screen.queryByText('EU data stays in the EU'),
    ).not.toBeInTheDocument();

    await userEvent.click(toggle);

    expect(
      await screen.findByRole('listitem', { name: 'EU data stays in the EU' }),
    ).toBeInTheDocument();
  });

  it('shows the waivers of the product with their status and end', async () => {
    render(withGovernance());

    const pending = await waiverRow('The SLA is being negotiated');
    expect(
      within(pending).getByText('Output ports declare an SLA'),
    ).toBeInTheDocument();
    expect(within(pending).getByText('pending')).toBeInTheDocument();
    expect(within(pending).getByText('in 2 months')).toBeInTheDocument();

    const approved = await waiverRow('Legal is reviewing retention');
    expect(within(approved).getByText('approved')).toBeInTheDocument();
    expect(
      within(approved).getByText(/: Until the review ends/),
    ).toBeInTheDocument();
  });

  it('shows a compliant product', async () => {
    render(withGovernance(compliant));

    expect(await screen.findByLabelText('Compliance')).toHaveTextContent(
      'Compliant',
    );
    expect(
      screen.getByText('All applicable policies pass'),
    ).toBeInTheDocument();
    expect(titles('Passing')).toHaveLength(6);
    expect(screen.queryByText('How to fix:')).not.toBeInTheDocument();
    expect(screen.queryByText('Waivers')).not.toBeInTheDocument();
  });

  it('says when the product has not been evaluated yet', async () => {
    render(fakeDataMeshApi());

    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
  });

  it('shows the error when the verdict cannot be loaded', async () => {
    render(
      fakeDataMeshApi({
        getGovernance: jest.fn(async () => {
          throw new Error('Governance unavailable');
        }),
      }),
    );

    expect(
      (await screen.findAllByText(/Governance unavailable/))[0],
    ).toBeInTheDocument();
  });

  it('lets users allowed to request waivers ask for one on a failing policy, checking the form first', async () => {
    const api = withGovernance();
    api.requestWaiver.mockImplementation(async request => ({
      ...request,
      id: 'w-3',
      status: 'pending',
      requestedBy: 'user:default/alice',
      requestedAt: new Date().toISOString(),
    }));
    const permission = mockApis.permission({
      authorize: request =>
        request.permission.name === 'data-mesh.waiver.request' &&
        'resourceRef' in request &&
        request.resourceRef === entityRef
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    });
    render(api, permission);

    const blocking = await screen.findByRole('listitem', {
      name: 'Personal data is restricted',
    });
    const request = await within(blocking).findByRole('button', {
      name: 'Request waiver',
    });
    // On every failure, but not on policies that pass, nor on one with a pending waiver.
    expect(
      within(
        screen.getByRole('listitem', { name: 'Contracts have quality tests' }),
      ).getByRole('button', { name: 'Request waiver' }),
    ).toBeInTheDocument();
    for (const name of [
      'Output ports declare an SLA',
      'Products have an owner',
    ]) {
      expect(
        within(screen.getByRole('listitem', { name })).queryByRole('button'),
      ).not.toBeInTheDocument();
    }

    await userEvent.click(request);
    const dialog = await screen.findByRole('dialog', {
      name: 'Request a waiver',
    });
    expect(
      within(dialog).getByText(/“Personal data is restricted”/),
    ).toBeInTheDocument();
    const submit = within(dialog).getByRole('button', {
      name: 'Request waiver',
    });
    await userEvent.click(submit);
    expect(
      within(dialog).getByText('Say why the product cannot comply yet'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Choose when the waiver ends'),
    ).toBeInTheDocument();

    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      '  Classification is being reviewed by legal  ',
    );
    const endsOn = within(dialog).getByLabelText(/Ends on/);
    await userEvent.type(endsOn, '2020-01-31');
    await userEvent.click(submit);
    expect(
      within(dialog).getByText('The waiver must end in the future'),
    ).toBeInTheDocument();
    expect(api.requestWaiver).not.toHaveBeenCalled();

    await userEvent.clear(endsOn);
    await userEvent.type(endsOn, '2099-01-31');
    await userEvent.click(submit);

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.requestWaiver).toHaveBeenCalledWith({
      entityRef,
      policyId: 'personal-data-restricted',
      reason: 'Classification is being reviewed by legal',
      expiresAt: new Date('2099-01-31T00:00:00').toISOString(),
    });
    // The card reloads to show the new waiver.
    await waitFor(() => expect(api.getGovernance).toHaveBeenCalledTimes(2));
  });

  it('shows the backend refusal of a waiver request and keeps the form open', async () => {
    const api = withGovernance();
    api.requestWaiver.mockRejectedValue(
      await responseError(400, {
        name: 'InputError',
        message: 'expiresAt is more than 90 days from now',
      }),
    );
    render(api, permissionsAllowing('data-mesh.waiver.request'));

    const blocking = await screen.findByRole('listitem', {
      name: 'Personal data is restricted',
    });
    await userEvent.click(
      await within(blocking).findByRole('button', { name: 'Request waiver' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'Legal');
    await userEvent.type(
      within(dialog).getByLabelText(/Ends on/),
      '2099-01-31',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request waiver' }),
    );

    expect(
      await within(dialog).findByText(
        'Could not request the waiver: expiresAt is more than 90 days from now',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('has no request button for users not allowed to request waivers', async () => {
    const authorize = jest.fn((): AuthorizeResult.DENY => AuthorizeResult.DENY);
    render(withGovernance(), mockApis.permission({ authorize }));

    await screen.findByLabelText('Compliance');
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(
      screen.queryByRole('button', { name: 'Request waiver' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('lets governance admins approve pending waivers and revoke approved ones', async () => {
    const api = withGovernance();
    api.decideWaiver.mockImplementation(async (id, decision) => ({
      ...governance.waivers[0],
      id,
      status: decision === 'approve' ? 'approved' : 'rejected',
    }));
    render(api, permissionsAllowing('data-mesh.waiver.decide'));

    const pending = await waiverRow('The SLA is being negotiated');
    expect(
      await within(pending).findByRole('button', { name: 'Reject' }),
    ).toBeInTheDocument();
    expect(
      within(await waiverRow('Legal is reviewing retention')).getByRole(
        'button',
        { name: 'Revoke' },
      ),
    ).toBeInTheDocument();
    // Admins are not owners: no request without that permission.
    expect(
      screen.queryByRole('button', { name: 'Request waiver' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      within(pending).getByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve waiver',
    });
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'Fine until the SLA is signed',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    await waitFor(() =>
      expect(api.decideWaiver).toHaveBeenCalledWith(
        'w-2',
        'approve',
        'Fine until the SLA is signed',
      ),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(api.getGovernance).toHaveBeenCalledTimes(2));
  });

  it('is not shown on other kinds', async () => {
    const api = fakeDataMeshApi();
    render(api, permissionsAllowing(), component);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Governance')).not.toBeInTheDocument();
    expect(api.getGovernance).not.toHaveBeenCalled();
  });
});
