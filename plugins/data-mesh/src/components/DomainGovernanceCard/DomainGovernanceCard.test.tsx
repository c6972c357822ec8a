import { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  GovernancePolicy,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import { entityDomainGovernanceCard } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  dataProduct,
  exampleEntity,
  fakeDataMeshApi,
  renderEntityPage,
} from '../../__testUtils__';

const clinical = exampleEntity('hospital/domains.yaml', 'Domain', 'clinical');

const domain = (
  name: string,
  spec: Record<string, unknown> = {},
  title?: string,
): Entity => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'Domain',
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
  spec: { owner: 'group:data-office', ...spec },
});

const policy = (
  id: string,
  more: Partial<GovernancePolicy> = {},
): GovernancePolicy => ({
  id,
  title: id,
  severity: 'error',
  enforcement: 'enforce',
  origin: 'global',
  rule: 'true',
  ...more,
});

const inDomain = (name: string) => ({
  origin: 'domain' as const,
  domainRef: `domain:default/${name}`,
});

const rules = (policies: GovernancePolicy[]) =>
  jest.fn(
    async (): Promise<RulesResponse> => ({
      levels: [],
      checks: [],
      policies,
    }),
  );

const globalPolicies = [
  policy('has-owner'),
  policy('has-sla', { severity: 'warning' }),
  policy('old-rule', { enforcement: 'retired' }),
];

function render(
  entity: Entity,
  api: ReturnType<typeof fakeDataMeshApi>,
  entities: Entity[] = [entity],
) {
  return renderEntityPage(entity, [entityDomainGovernanceCard], {
    apis: [[dataMeshApiRef, api], catalogApiMock({ entities })],
  });
}

describe('domain governance card', () => {
  it("shows the domain's policies, what else applies and how many of its products comply", async () => {
    const api = fakeDataMeshApi({
      getRules: rules(globalPolicies),
      getRollup: jest.fn(async (groupBy: 'domain' | 'owner') => ({
        entityRef: 'domain:default/clinical',
        groupBy,
        products: 6,
        averageScore: 70,
        levelCounts: {},
        worst: [],
        compliant: 4,
      })),
    });
    render(clinical, api);

    expect(
      await screen.findByLabelText('Products compliant'),
    ).toHaveTextContent('4 of 6');
    expect(api.getRollup).toHaveBeenCalledWith(
      'domain',
      'domain:default/clinical',
    );

    const own = screen.getByRole('listitem', {
      name: 'Identified patient data is restricted',
    });
    expect(within(own).getByTitle('Severity')).toHaveTextContent('error');
    expect(within(own).getByTitle('Enforcement')).toHaveTextContent('enforce');
    expect(
      within(own).getByText("entity.spec.classification == 'restricted'"),
    ).toBeInTheDocument();
    expect(
      within(own).getByText(
        'has(entity.spec.personalData) && entity.spec.personalData',
      ),
    ).toBeInTheDocument();
    expect(within(own).getByText('How to comply:')).toBeInTheDocument();
    expect(
      within(own).getByText(/Set spec.classification to restricted/),
    ).toBeInTheDocument();
    expect(within(own).queryByText(/Not in force/)).not.toBeInTheDocument();

    // The retired global policy is not in force.
    expect(
      await screen.findByText(
        'Its data products must also comply with 2 global policies.',
      ),
    ).toBeInTheDocument();
  });

  it('counts the policies of the parent domains and says which own policy they hide', async () => {
    const corporate = domain(
      'corporate',
      { policies: [{ id: 'corp-retention', rule: 'true' }] },
      'Corporate',
    );
    const finance = domain(
      'finance',
      {
        subdomainOf: 'corporate',
        policies: [
          { id: 'finance-audit', rule: 'true' },
          { id: 'has-owner', rule: 'true' },
        ],
      },
      'Finance',
    );
    const payments = domain('payments', {
      subdomainOf: 'domain:default/finance',
      policies: [
        {
          id: 'pci-scope',
          title: 'Card data stays in PCI scope',
          severity: 'warning',
          enforcement: 'draft',
          rule: "entity.spec.classification == 'restricted'",
        },
        { id: 'finance-audit', title: 'Our own audit', rule: 'true' },
      ],
    });
    const api = fakeDataMeshApi({
      getRules: rules([
        ...globalPolicies,
        policy('corp-retention', inDomain('corporate')),
        policy('finance-audit', inDomain('finance')),
        // Hidden by the global policy with its id: not counted.
        policy('has-owner', inDomain('finance')),
        policy('pci-scope', inDomain('payments')),
      ]),
    });
    render(payments, api, [corporate, finance, payments]);

    const line = await screen.findByText(/must also comply with/);
    expect(line).toHaveTextContent(
      'Its data products must also comply with 2 global policies, 1 policy of the parent domain Corporate and 1 policy of the parent domain Finance.',
    );
    expect(
      within(line)
        .getAllByRole('link')
        .map(link => link.getAttribute('href')),
    ).toEqual([
      '/catalog/default/domain/corporate',
      '/catalog/default/domain/finance',
    ]);

    const pci = screen.getByRole('listitem', {
      name: 'Card data stays in PCI scope',
    });
    expect(within(pci).getByTitle('Severity')).toHaveTextContent('warning');
    expect(within(pci).getByTitle('Enforcement')).toHaveTextContent('draft');
    expect(within(pci).queryByText(/Not in force/)).not.toBeInTheDocument();

    const audit = screen.getByRole('listitem', { name: 'Our own audit' });
    const hidden = within(audit).getByText(/Not in force/);
    expect(hidden).toHaveTextContent(
      'Not in force: the policy with the same id from finance applies instead.',
    );
    expect(within(hidden).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/domain/finance',
    );
  });

  it('says when the domain has no policies of its own and no product was evaluated', async () => {
    const operations = domain('operations');
    render(operations, fakeDataMeshApi({ getRules: rules(globalPolicies) }));

    expect(
      await screen.findByText('This domain has no policies of its own.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'No data product of this domain has been evaluated yet',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Its data products must also comply with 2 global policies.',
      ),
    ).toBeInTheDocument();
  });

  it('still shows its own policies when the rules cannot be read', async () => {
    render(
      clinical,
      fakeDataMeshApi({
        getRules: jest.fn(async () => {
          throw new Error('rules unavailable');
        }),
      }),
    );

    expect(
      await screen.findByText(
        'Its data products must also comply with the global policies and those of its parent domains.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', {
        name: 'Identified patient data is restricted',
      }),
    ).toBeInTheDocument();
  });

  it('is not shown on built-in domains nor on other kinds', async () => {
    const api = fakeDataMeshApi();
    const builtIn = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: 'sales', namespace: 'default' },
      spec: { owner: 'group:sales-team' },
    };
    const { unmount } = render(builtIn, api);
    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Governance')).not.toBeInTheDocument();
    unmount();

    render(dataProduct('orders'), api);
    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Governance')).not.toBeInTheDocument();
    await waitFor(() => expect(api.getRollup).not.toHaveBeenCalled());
  });
});
