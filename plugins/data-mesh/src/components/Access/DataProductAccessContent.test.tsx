import { mockApis } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  AccessRequest,
  AccessRequestResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  entityDataProductAccessContent,
  entityDataProductPortsCard,
} from '../../alpha';
import { dataMeshApiRef, PortPreviewResponse } from '../../api';
import {
  dataProduct,
  fakeDataMeshApi,
  permissionsAllowing,
  renderEntityPage,
  responseError,
} from '../../__testUtils__';

jest.setTimeout(30_000);

const productRef = 'dataproduct:default/customer-orders';
const product = dataProduct('customer-orders', {
  outputPorts: [
    { name: 'orders', type: 'table', version: '1.2.0' },
    { name: 'refunds', type: 'table' },
  ],
});
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000).toISOString();

function agreement(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'a1',
    productRef,
    outputPort: 'orders',
    consumerRef: 'group:default/finance',
    purpose: 'Monthly revenue reconciliation of the ledger',
    contractVersion: '1.2.0',
    state: 'requested',
    approval: 'owners',
    requestedBy: 'user:default/alice',
    requestedAt: hoursAgo(3),
    updatedAt: hoursAgo(3),
    ...overrides,
  };
}

const identity = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/finance'],
});
const catalog = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'ledger-job', namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'group:finance',
        lifecycle: 'production',
      },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/finance' }],
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'someone-elses', namespace: 'default' },
      spec: { type: 'service', owner: 'group:other', lifecycle: 'production' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/other' }],
    },
  ],
});

function renderAccess(
  api: ReturnType<typeof fakeDataMeshApi>,
  permission = permissionsAllowing(),
) {
  return renderEntityPage(product, [entityDataProductAccessContent], {
    apis: [[dataMeshApiRef, api], permission, identity, catalog],
  });
}

describe('data product access tab', () => {
  it('lists the agreements with consumer, port, state, purpose and terms', async () => {
    const api = fakeDataMeshApi({
      listAccessRequests: jest.fn(async () => ({
        items: [
          agreement(),
          agreement({
            id: 'a2',
            consumerRef: 'component:default/ledger-job',
            state: 'failed',
            failureReason: 'role ledger_job does not exist',
            contractVersion: undefined,
            until: '2031-01-01T00:00:00.000Z',
            decidedBy: 'user:default/bob',
          }),
        ],
        limit: 100,
        offset: 0,
      })),
    });
    renderAccess(api);

    await screen.findByText('role ledger_job does not exist');
    const table = screen.getByRole('region', { name: 'Usage agreements' });
    expect(api.listAccessRequests).toHaveBeenCalledWith({
      productRef,
      limit: 100,
    });
    expect(
      within(table).getByRole('link', { name: 'finance' }),
    ).toHaveAttribute('href', '/catalog/default/group/finance');
    expect(
      within(table).getByTitle(
        'Awaiting a decision by an owner of the product',
      ),
    ).toHaveTextContent('requested');
    expect(
      within(table)
        .getAllByText('failed')
        .some(e => e.closest('[data-tone="error"]')),
    ).toBe(true);
    expect(
      within(table).getByText('role ledger_job does not exist'),
    ).toBeInTheDocument();
    expect(within(table).getByText('v1.2.0')).toBeInTheDocument();
    expect(within(table).getByText('any version')).toBeInTheDocument();
    expect(within(table).getByText('until 1 Jan 2031')).toBeInTheDocument();
    expect(
      within(table).getAllByText(
        'Monthly revenue reconciliation of the ledger',
      ),
    ).toHaveLength(2);
    // Without data-mesh.access.decide there is nothing to decide, nor to request.
    expect(
      within(table).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request access' }),
    ).not.toBeInTheDocument();
  });

  it('shows the history of an agreement when asked', async () => {
    const full: AccessRequestResponse = {
      ...agreement({ state: 'active', decidedBy: 'user:default/bob' }),
      transitions: [
        { to: 'requested', actor: 'user:default/alice', at: hoursAgo(3) },
        {
          from: 'requested',
          to: 'approved',
          actor: 'user:default/bob',
          at: hoursAgo(2),
          comment: 'fine for reconciliation',
        },
        {
          from: 'approved',
          to: 'active',
          actor: 'system',
          at: hoursAgo(2),
        },
      ],
    };
    const api = fakeDataMeshApi({
      listAccessRequests: jest.fn(async () => ({
        items: [full],
        limit: 100,
        offset: 0,
      })),
      getAccessRequest: jest.fn(async () => full),
    });
    renderAccess(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'History' }),
    );
    const history = await screen.findByRole('list', { name: 'History' });
    expect(api.getAccessRequest).toHaveBeenCalledWith('a1');
    const items = within(history).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      expect.stringMatching(/requested by alice$/),
      expect.stringMatching(
        /requested → approved by bob — fine for reconciliation$/,
      ),
      expect.stringMatching(/approved → active by the portal$/),
    ]);
  });

  it('lets owners approve with a comment, and refreshes the list', async () => {
    const api = fakeDataMeshApi({
      listAccessRequests: jest
        .fn()
        .mockResolvedValueOnce({ items: [agreement()], limit: 100, offset: 0 })
        .mockResolvedValue({
          items: [agreement({ state: 'active' })],
          limit: 100,
          offset: 0,
        }),
      decideAccessRequest: jest.fn(async () => agreement({ state: 'active' })),
    });
    renderAccess(
      api,
      permissionsAllowing(
        'data-mesh.access.decide',
        'data-mesh.access.request',
      ),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve access',
    });
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      '  ok for Q3 ',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    await waitFor(() =>
      expect(api.decideAccessRequest).toHaveBeenCalledWith(
        'a1',
        'approve',
        'ok for Q3',
      ),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      await screen.findByRole('button', { name: 'Revoke' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('keeps the decision dialog open with the refusal', async () => {
    const api = fakeDataMeshApi({
      listAccessRequests: jest.fn(async () => ({
        items: [agreement()],
        limit: 100,
        offset: 0,
      })),
      decideAccessRequest: jest.fn(async () => {
        throw await responseError(403, {
          name: 'NotAllowedError',
          message:
            'Access request a1 was requested by user:default/alice, who may not approve it',
        });
      }),
    });
    renderAccess(api, permissionsAllowing('data-mesh.access.decide'));

    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await within(dialog).findByText(
        'Could not approve the access request: Access request a1 was requested by user:default/alice, who may not approve it',
      ),
    ).toBeInTheDocument();
  });

  it('previews a port: its rows, masked columns marked and why', async () => {
    const preview: PortPreviewResponse = {
      productRef,
      outputPort: 'orders',
      server: 'warehouse',
      agreementId: 'a1',
      tables: [
        {
          name: 'orders',
          columns: [
            { name: 'order_id', type: 'INTEGER' },
            { name: 'email', type: 'VARCHAR' },
            { name: 'paid', type: 'BOOLEAN' },
          ],
          rows: [
            [1, null, true],
            [2, null, false],
          ],
          truncated: true,
          masked: ['email'],
        },
      ],
    };
    const api = fakeDataMeshApi({
      previewPort: jest.fn(async () => preview),
    });
    renderAccess(api);

    const [orders] = await screen.findAllByRole('button', {
      name: 'Show preview',
    });
    await userEvent.click(orders);
    const table = await screen.findByRole('table', {
      name: 'Preview of orders',
    });
    expect(api.previewPort).toHaveBeenCalledWith(productRef, 'orders');
    const cells = within(table)
      .getAllByRole('row')
      .map(row =>
        Array.from(row.querySelectorAll('th, td')).map(
          cell => cell.textContent,
        ),
      );
    expect(cells).toEqual([
      ['order_id', 'email (masked)', 'paid'],
      ['1', 'null', 'true'],
      ['2', 'null', 'false'],
    ]);
    expect(
      screen.getByText('email: masked').closest('[title]'),
    ).toHaveAttribute(
      'title',
      expect.stringContaining('Classified restricted'),
    );
    expect(screen.getByText(/2 rows, more in the table/)).toBeInTheDocument();
    expect(screen.getByText(/under your agreement/)).toBeInTheDocument();
  });

  it('says who may preview when the backend refuses', async () => {
    const api = fakeDataMeshApi({
      previewPort: jest.fn(async () => {
        throw await responseError(403, {
          name: 'NotAllowedError',
          message: 'request access first',
        });
      }),
    });
    renderAccess(api);
    const [orders] = await screen.findAllByRole('button', {
      name: 'Show preview',
    });
    await userEvent.click(orders);
    expect(
      await screen.findByText(/You may not preview this port/),
    ).toBeInTheDocument();
  });
});

describe('request access on an output port', () => {
  function renderPorts(api: ReturnType<typeof fakeDataMeshApi>) {
    return renderEntityPage(product, [entityDataProductPortsCard], {
      apis: [
        [dataMeshApiRef, api],
        permissionsAllowing('data-mesh.access.request'),
        identity,
        catalog,
      ],
    });
  }

  async function openDialog() {
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request access to port orders',
      }),
    );
    return screen.findByRole('dialog', { name: 'Request access' });
  }

  async function chooseConsumer(dialog: HTMLElement, name: RegExp) {
    await userEvent.click(within(dialog).getByLabelText(/Consumer/));
    await userEvent.click(await screen.findByRole('option', { name }));
  }

  it('is hidden without data-mesh.access.request', async () => {
    renderEntityPage(product, [entityDataProductPortsCard], {
      apis: [[dataMeshApiRef, fakeDataMeshApi()], permissionsAllowing()],
    });
    expect(
      await screen.findByRole('table', { name: 'Output ports' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Request access/ }),
    ).not.toBeInTheDocument();
  });

  it('offers the user groups and what they own, and sends the request', async () => {
    const api = fakeDataMeshApi({
      requestAccess: jest.fn(async request =>
        agreement({ ...request, id: 'new', state: 'requested' }),
      ),
    });
    renderPorts(api);
    const dialog = await openDialog();

    await userEvent.click(within(dialog).getByLabelText(/Consumer/));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'finance (Group, group:default/finance)',
      'ledger-job (Component, component:default/ledger-job)',
    ]);
    await userEvent.click(options[1]);

    // Prefilled from the port; the purpose's hint counts down to the minimum.
    expect(within(dialog).getByLabelText('Contract version')).toHaveValue(
      '1.2.0',
    );
    const submit = within(dialog).getByRole('button', {
      name: 'Request access',
    });
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Purpose/), 'Ledger');
    expect(
      within(dialog).getByText(
        'What the data is used for: 14 more characters needed',
      ),
    ).toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText(/Purpose/),
      ' reconciliation each month',
    );
    expect(submit).toBeEnabled();
    await userEvent.type(
      within(dialog).getByLabelText('Until (optional)'),
      '2031-01-01',
    );
    await userEvent.click(submit);

    await waitFor(() =>
      expect(api.requestAccess).toHaveBeenCalledWith({
        productRef,
        outputPort: 'orders',
        consumerRef: 'component:default/ledger-job',
        purpose: 'Ledger reconciliation each month',
        contractVersion: '1.2.0',
        until: new Date('2031-01-01T00:00:00').toISOString(),
      }),
    );
    const done = await screen.findByRole('dialog', {
      name: 'Access requested',
    });
    expect(within(done).getByText('requested')).toBeInTheDocument();
    expect(
      within(done).getByText(/owners have been notified/),
    ).toBeInTheDocument();
  });

  it('shows the refusal next to the field it names', async () => {
    const api = fakeDataMeshApi({
      requestAccess: jest.fn(async () => {
        throw await responseError(400, {
          name: 'InputError',
          message: 'The request is invalid',
          problems: [
            { field: 'until', message: 'must be in the future' },
            {
              field: 'consumerRef',
              message: 'you are not a member of finance',
            },
            { field: 'other', message: 'the product is retired' },
          ],
        });
      }),
    });
    renderPorts(api);
    const dialog = await openDialog();
    await chooseConsumer(dialog, /^finance/);
    await userEvent.type(
      within(dialog).getByLabelText(/Purpose/),
      'Ledger reconciliation each month',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request access' }),
    );

    expect(
      await within(dialog).findByText('must be in the future'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('you are not a member of finance'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Could not request access: the product is retired',
      ),
    ).toBeInTheDocument();
  });

  it('reads the field from a message naming it when there are no problems', async () => {
    const api = fakeDataMeshApi({
      requestAccess: jest.fn(async () => {
        throw await responseError(400, {
          name: 'InputError',
          message:
            'purpose: must say what the data is used for in at least 20 characters, got 19',
        });
      }),
    });
    renderPorts(api);
    const dialog = await openDialog();
    await chooseConsumer(dialog, /^finance/);
    await userEvent.type(
      within(dialog).getByLabelText(/Purpose/),
      'Ledger reconciliation each month',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request access' }),
    );
    expect(
      await within(dialog).findByText(
        'must say what the data is used for in at least 20 characters, got 19',
      ),
    ).toBeInTheDocument();
  });
});
