import {
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  GovernanceSummaryResponse,
  Waiver,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { governancePage } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  fakeDataMeshApi,
  permissionsAllowing,
  responseError,
} from '../../__testUtils__';
import { GovernanceDashboardPage } from './GovernanceDashboard';

// Deciding through a dialog on a whole test app takes a while on a busy CI machine.
jest.setTimeout(30_000);

const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 24 * 3600_000).toISOString();

const waiver = (id: string, more: Partial<Waiver>): Waiver => ({
  id,
  entityRef: 'dataproduct:default/orders',
  policyId: 'has-sla',
  reason: `Reason ${id}`,
  status: 'pending',
  requestedBy: 'user:default/alice',
  requestedAt: daysFromNow(-2),
  expiresAt: daysFromNow(30),
  ...more,
});

const summary: GovernanceSummaryResponse = {
  products: 6,
  compliant: 4,
  policies: [
    {
      id: 'has-owner',
      title: 'Products have an owner',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'global',
      rule: 'true',
      applicable: 6,
      failing: 1,
      waived: 0,
    },
    {
      id: 'has-sla',
      title: 'Output ports declare an SLA',
      severity: 'warning',
      enforcement: 'warn',
      origin: 'global',
      rule: 'true',
      applicable: 5,
      failing: 3,
      waived: 1,
    },
    {
      id: 'personal-data-restricted',
      title: 'Personal data is restricted',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'domain',
      domainRef: 'domain:default/clinical',
      rule: 'true',
      applicable: 2,
      failing: 0,
      waived: 0,
    },
  ],
  domains: [
    { domainRef: 'domain:default/sales', products: 4, compliant: 4 },
    { domainRef: 'domain:default/clinical', products: 1, compliant: 0 },
    { domainRef: null, products: 1, compliant: 0 },
  ],
  violations: [
    {
      entityRef: 'dataproduct:default/patient-records',
      domainRef: 'domain:default/clinical',
      ownerRef: 'group:default/clinical-data-team',
      policyIds: ['has-owner', 'personal-data-restricted'],
    },
    {
      entityRef: 'dataproduct:default/loose-ends',
      domainRef: null,
      ownerRef: null,
      policyIds: ['has-owner'],
    },
  ],
  waivers: {
    pending: [waiver('w-1', { reason: 'The SLA is being negotiated' })],
    expiring: [
      waiver('w-2', {
        entityRef: 'dataproduct:default/invoices',
        status: 'approved',
        reason: 'Legacy export',
        expiresAt: daysFromNow(3.5),
        decidedBy: 'user:default/gina',
      }),
    ],
  },
};

function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  permission = permissionsAllowing(),
) {
  return renderTestApp({
    extensions: [governancePage],
    apis: [[dataMeshApiRef, api], permission],
    initialRouteEntries: ['/data-mesh/governance'],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

const withSummary = (response = summary) =>
  fakeDataMeshApi({ getGovernanceSummary: jest.fn(async () => response) });

/** The body rows of a table region. */
function bodyRows(name: string) {
  return within(screen.getByRole('region', { name }))
    .getAllByRole('row')
    .filter(row => row.closest('tbody'));
}

/** The body rows of a table region, each as the texts of its cells. */
function rows(name: string) {
  return bodyRows(name).map(row =>
    within(row)
      .getAllByRole('cell')
      .map(cell => cell.textContent),
  );
}

function rowOf(region: string, text: string) {
  return within(screen.getByRole('region', { name: region }))
    .getByText(text)
    .closest('tr') as HTMLElement;
}

describe('governance dashboard', () => {
  it('shows how many products comply, per domain (least compliant first) and per policy (most failing first)', async () => {
    render(withSummary());

    expect(
      await screen.findByLabelText('Products compliant'),
    ).toHaveTextContent('4 of 6');
    expect(
      screen.getByText('data products compliant (66 %)'),
    ).toBeInTheDocument();

    expect(rows('Compliance per domain')).toEqual([
      ['clinical', '0 of 1', '0 %'],
      ['No domain', '0 of 1', '0 %'],
      ['sales', '4 of 4', '100 %'],
    ]);
    expect(
      within(rowOf('Compliance per domain', 'clinical')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/domain/clinical');

    expect(rows('Compliance per policy')).toEqual([
      [
        'Output ports declare an SLAhas-sla',
        'Global',
        'warning',
        'warn',
        '5',
        '3',
        '1',
      ],
      [
        'Products have an ownerhas-owner',
        'Global',
        'error',
        'enforce',
        '6',
        '1',
        '0',
      ],
      [
        'Personal data is restrictedpersonal-data-restricted',
        'clinical',
        'error',
        'enforce',
        '2',
        '0',
        '0',
      ],
    ]);
  });

  it('lists the violations with their product, domain, owner and blocking policies', async () => {
    render(withSummary());
    await screen.findByLabelText('Products compliant');

    const patientRecords = rowOf('Violations', 'patient-records');
    expect(
      within(patientRecords)
        .getAllByRole('link')
        .map(link => link.getAttribute('href')),
    ).toEqual([
      '/catalog/default/dataproduct/patient-records',
      '/catalog/default/domain/clinical',
      '/catalog/default/group/clinical-data-team',
    ]);
    // Policies by title, the id in the tooltip.
    expect(within(patientRecords).getByTitle('has-owner')).toHaveTextContent(
      'Products have an owner',
    );
    expect(
      within(patientRecords).getByText('Personal data is restricted'),
    ).toBeInTheDocument();
    expect(rows('Violations')[1]).toEqual([
      'loose-ends',
      '',
      '',
      'Products have an owner',
    ]);
  });

  it('lists pending waivers and those ending soon, without decisions for other users', async () => {
    const authorize = jest.fn((): AuthorizeResult.DENY => AuthorizeResult.DENY);
    render(withSummary(), mockApis.permission({ authorize }));
    await screen.findByLabelText('Products compliant');

    const pending = rowOf('Pending waivers', 'The SLA is being negotiated');
    expect(within(pending).getByText('orders')).toBeInTheDocument();
    expect(
      within(pending).getByText('Output ports declare an SLA'),
    ).toBeInTheDocument();
    expect(within(pending).getByText('alice')).toBeInTheDocument();

    const expiring = rowOf('Expiring waivers', 'Legacy export');
    expect(within(expiring).getByText('invoices')).toBeInTheDocument();
    expect(within(expiring).getByText('in 3 days')).toBeInTheDocument();

    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revoke' })).toBeNull();
  });

  it('lets governance admins approve a pending waiver with a comment, then reloads', async () => {
    const api = withSummary();
    api.decideWaiver.mockImplementation(async id => ({
      ...summary.waivers.pending[0],
      id,
      status: 'approved',
    }));
    render(api, permissionsAllowing('data-mesh.waiver.decide'));
    await screen.findByLabelText('Products compliant');

    const pending = rowOf('Pending waivers', 'The SLA is being negotiated');
    expect(
      await within(pending).findByRole('button', { name: 'Reject' }),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Expiring waivers', 'Legacy export')).getByRole('button', {
        name: 'Revoke',
      }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(pending).getByRole('button', { name: 'Approve' }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Approve waiver',
    });
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'Until Q3',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    await waitFor(() =>
      expect(api.decideWaiver).toHaveBeenCalledWith(
        'w-1',
        'approve',
        'Until Q3',
      ),
    );
    await waitFor(() =>
      expect(api.getGovernanceSummary).toHaveBeenCalledTimes(2),
    );
  });

  it('shows the refusal of a decision in its dialog', async () => {
    const api = withSummary();
    api.decideWaiver.mockRejectedValue(
      await responseError(409, {
        name: 'ConflictError',
        message: 'The waiver was already decided',
      }),
    );
    render(api, permissionsAllowing('data-mesh.waiver.decide'));
    await screen.findByLabelText('Products compliant');

    await userEvent.click(
      await within(
        rowOf('Pending waivers', 'The SLA is being negotiated'),
      ).findByRole('button', { name: 'Reject' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Reject waiver' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );

    expect(
      await within(dialog).findByText(
        'Could not reject the waiver: The waiver was already decided',
      ),
    ).toBeInTheDocument();
    expect(api.decideWaiver).toHaveBeenCalledWith('w-1', 'reject', undefined);
  });

  it('pages and searches long tables', async () => {
    const violations = Array.from({ length: 30 }, (_, i) => ({
      entityRef: `dataproduct:default/product-${String(i).padStart(2, '0')}`,
      domainRef: 'domain:default/sales',
      ownerRef: 'group:default/sales-team',
      policyIds: ['has-owner'],
    }));
    render(
      withSummary({ ...summary, products: 40, compliant: 10, violations }),
    );
    await screen.findByLabelText('Products compliant');

    expect(bodyRows('Violations')).toHaveLength(20);
    const region = screen.getByRole('region', { name: 'Violations' });
    expect(within(region).getAllByText('1-20 of 30')[0]).toBeInTheDocument();
    expect(within(region).getByPlaceholderText('Filter')).toBeInTheDocument();
    // Short tables have neither.
    expect(
      within(
        screen.getByRole('region', { name: 'Compliance per domain' }),
      ).queryByPlaceholderText('Filter'),
    ).not.toBeInTheDocument();
  });

  it('says so when no product has been evaluated yet', async () => {
    render(fakeDataMeshApi());

    expect(
      await screen.findByText('No data product has been evaluated yet'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Violations' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the summary cannot be loaded', async () => {
    render(
      fakeDataMeshApi({
        getGovernanceSummary: jest.fn(async () => {
          throw new Error('Summary unavailable');
        }),
      }),
    );

    expect(
      (await screen.findAllByText(/Summary unavailable/))[0],
    ).toBeInTheDocument();
  });
});

describe('governance dashboard page (legacy frontend system)', () => {
  it('has a header of its own', async () => {
    await renderInTestApp(<GovernanceDashboardPage />, {
      apis: [[dataMeshApiRef, withSummary()], permissionsAllowing()],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(
      await screen.findByRole('heading', { name: 'Data mesh governance' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByLabelText('Products compliant'),
    ).toHaveTextContent('4 of 6');
  });
});
