import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityPresentationApi,
  entityPresentationApiRef,
} from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContractVersionDiffResponse, dataMeshApiRef } from '../../api';
import {
  dataProduct,
  fakeDataMeshApi,
  responseError,
} from '../../__testUtils__';
import { ContractChangesContent } from './ContractChangesContent';

jest.setTimeout(30_000);

/** The first render of a lazily loaded app can take seconds on a loaded machine. */
const slow = { timeout: 10_000 };

const CONTRACT = 'api:default/orders-contract';
const hash = (c: string) => c.repeat(64);
const version = (v: string, h: string, day: number) => ({
  contractRef: CONTRACT,
  version: v,
  hash: hash(h),
  firstSeenAt: `2026-12-0${day}T10:00:00Z`,
});
const V1 = version('1.0.0', 'a', 1);
const V2 = version('2.0.0', 'b', 2);
const V21 = version('2.1.0', 'c', 3);

const product = dataProduct(
  'orders',
  { outputPorts: [{ name: 'orders', contract: 'orders-contract' }] },
  [{ type: 'providesApi', targetRef: CONTRACT }],
);

const diffs: Record<string, ContractVersionDiffResponse> = {
  [`${V1.hash}>${V2.hash}`]: {
    contractRef: CONTRACT,
    from: V1,
    to: V2,
    required: 'major',
    declared: 'major',
    covered: true,
    breaking: true,
    changes: [
      {
        rule: 'property-removed',
        severity: 'breaking',
        path: 'schema[orders].properties[amount]',
        message: 'Property orders.amount removed',
      },
      {
        rule: 'documentation-changed',
        severity: 'patch',
        path: 'description.purpose',
        message: 'Purpose changed',
      },
    ],
  },
  [`${V2.hash}>${V21.hash}`]: {
    contractRef: CONTRACT,
    from: V2,
    to: V21,
    required: 'minor',
    declared: 'patch',
    covered: false,
    breaking: false,
    changes: [
      {
        rule: 'property-added',
        severity: 'non-breaking',
        path: 'schema[orders].properties[note]',
        message: 'Property orders.note added',
      },
    ],
  },
};

function fakeApi() {
  return fakeDataMeshApi({
    listContractVersions: jest.fn(async () => ({
      contractRef: CONTRACT,
      items: [V21, V2, V1],
    })),
    diffContractVersions: jest.fn(
      async (_: unknown, { from, to }: { from?: string; to?: string } = {}) => {
        // Without from: the one before `to`; without to: the latest.
        const toHash = to ?? V21.hash;
        const fromHash = from ?? (toHash === V21.hash ? V2.hash : V1.hash);
        return diffs[`${fromHash}>${toHash}`];
      },
    ),
  });
}

/** The catalog's presentation of the contract: its title. */
const presentation: EntityPresentationApi = {
  forEntity: entityRef => {
    const snapshot = {
      entityRef: String(entityRef),
      primaryTitle: 'Orders contract',
    };
    return { snapshot, promise: Promise.resolve(snapshot) };
  },
};

function render(
  api: ReturnType<typeof fakeDataMeshApi>,
  initialRouteEntries?: string[],
) {
  return renderInTestApp(<ContractChangesContent entity={product} />, {
    apis: [
      [dataMeshApiRef, api],
      [entityPresentationApiRef, presentation],
    ],
    initialRouteEntries,
  });
}

describe('ContractChangesContent', () => {
  it('lists the versions and the changes of the latest from the one before, with severity and verdict', async () => {
    const api = fakeApi();
    await render(api);
    const versions = await screen.findByRole(
      'table',
      { name: 'Versions of Orders contract' },
      slow,
    );
    expect(screen.getByText('3 versions recorded')).toBeInTheDocument();
    const rows = within(versions).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['2.1.0 (latest)', '2.0.0', '1.0.0']);
    expect(within(rows[2]).getByText('First version')).toBeInTheDocument();
    const changes = await screen.findByRole('table', {
      name: 'Changes from 2.0.0 to 2.1.0',
    });
    expect(within(changes).getByText('Non-breaking')).toBeInTheDocument();
    expect(within(changes).getByText('property-added')).toBeInTheDocument();
    expect(
      screen.getByText(
        'The changes need a minor version, but 2.0.0 to 2.1.0 is a patch version.',
      ),
    ).toBeInTheDocument();
    expect(api.diffContractVersions).toHaveBeenCalledWith(CONTRACT, {
      to: V21.hash,
    });
  });

  it('shows the changes of another version when asked', async () => {
    const api = fakeApi();
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'From 1.0.0' }, slow),
    );
    const changes = await screen.findByRole('table', {
      name: 'Changes from 1.0.0 to 2.0.0',
    });
    const rows = within(changes).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['Breaking', 'Patch']);
    expect(
      within(rows[0]).getByText('schema[orders].properties[amount]'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 breaking')).toBeInTheDocument();
    expect(
      screen.getByText(
        'The changes need a major version; 1.0.0 to 2.0.0 covers them.',
      ),
    ).toBeInTheDocument();
  });

  it("opens the diff a notification's link names", async () => {
    const api = fakeApi();
    await render(api, [
      `/catalog/default/dataproduct/orders/changes?contract=${encodeURIComponent(
        CONTRACT,
      )}&from=${V1.hash}&to=${V2.hash}`,
    ]);
    expect(
      await screen.findByRole(
        'table',
        { name: 'Changes from 1.0.0 to 2.0.0' },
        slow,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'From 1.0.0' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('says when the product has no contract', async () => {
    await renderInTestApp(
      <ContractChangesContent entity={dataProduct('bare')} />,
      { apis: [[dataMeshApiRef, fakeDataMeshApi()]] },
    );
    expect(
      await screen.findByText(/provides no data contract/, {}, slow),
    ).toBeInTheDocument();
  });

  it('finds the contracts of a product the catalog has not related yet by its ports', async () => {
    const api = fakeApi();
    await renderInTestApp(
      <ContractChangesContent
        entity={dataProduct('draft', {
          outputPorts: [{ name: 'orders', contract: 'orders-contract' }],
        })}
      />,
      { apis: [[dataMeshApiRef, api]] },
    );
    expect(
      await screen.findByRole(
        'table',
        { name: 'Versions of orders-contract' },
        slow,
      ),
    ).toBeInTheDocument();
    expect(api.listContractVersions).toHaveBeenCalledWith(CONTRACT);
  });

  it('says when nothing is recorded yet', async () => {
    const api = fakeDataMeshApi({
      listContractVersions: jest.fn(async () => ({
        contractRef: CONTRACT,
        items: [],
      })),
    });
    await render(api);
    expect(
      await screen.findByText(/No definition recorded yet/, {}, slow),
    ).toBeInTheDocument();
  });

  it('shows the error when the versions cannot be read', async () => {
    const api = fakeDataMeshApi({
      listContractVersions: jest.fn(async () => {
        throw await responseError(500, {
          name: 'Error',
          message: 'The database is down',
        });
      }),
    });
    await render(api);
    expect(
      await screen.findByText(/The database is down/, {}, slow),
    ).toBeInTheDocument();
  });
});
