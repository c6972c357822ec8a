import { screen, within } from '@testing-library/react';
import { entityDataProductOverviewCard } from '../../alpha';
import {
  component,
  exampleEntity,
  renderEntityPage,
} from '../../__testUtils__';

const patientRecords = exampleEntity(
  'hospital/products.yaml',
  'DataProduct',
  'patient-records',
);
const registryExtract = exampleEntity(
  'hospital/products.yaml',
  'DataProduct',
  'outcomes-registry-extract',
);

function renderCard(entity: typeof patientRecords) {
  renderEntityPage(entity, [entityDataProductOverviewCard]);
}

/** The value (`dd`) that follows a label (`dt`). */
function valueOf(label: string) {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling as HTMLElement;
}

describe('data product overview card', () => {
  it('shows the headline facts of an example product', async () => {
    renderCard(patientRecords);

    expect(await screen.findByText('Data product')).toBeInTheDocument();
    expect(valueOf('Domain')).toHaveTextContent('clinical');
    expect(within(valueOf('Domain')).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/domain/clinical',
    );
    expect(within(valueOf('Owner')).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/clinical-data-team',
    );
    expect(valueOf('Status')).toHaveTextContent('active');
    expect(
      within(valueOf('Status'))
        .getByText('active')
        .closest('[data-status-tone]'),
    ).toHaveAttribute('data-status-tone', 'success');
    expect(valueOf('Type')).toHaveTextContent('source-aligned');
    expect(valueOf('Version')).toHaveTextContent('4.0.0');
    expect(valueOf('Classification')).toHaveTextContent('restricted');
    expect(valueOf('Personal data')).toHaveTextContent('Yes');
    expect(valueOf('Freshness')).toHaveTextContent('4 hours');
    expect(valueOf('Availability')).toHaveTextContent('99.9 %');
    expect(valueOf('Purpose')).toHaveTextContent(
      /^Curated, identified record of every patient/,
    );
    expect(valueOf('Usage')).toHaveTextContent(/^Access is limited/);
    expect(valueOf('Limitations')).toHaveTextContent(/^Outpatient encounters/);
    expect(
      within(valueOf('Support')).getByRole('link', { name: /^chat/ }),
    ).toHaveAttribute(
      'href',
      'https://chat.riverside-health.example.org/channels/clinical-data',
    );
    expect(
      within(valueOf('Support')).getByRole('link', { name: /^service-desk/ }),
    ).toHaveAttribute(
      'href',
      'https://servicedesk.riverside-health.example.org/clinical-data',
    );
    expect(screen.queryByText(/is deprecated/)).not.toBeInTheDocument();
  });

  it('keeps labels as description terms, not headings', async () => {
    renderCard(patientRecords);

    await screen.findByText('Data product');
    expect(screen.getByText('Owner').tagName).toBe('DT');
    expect(screen.getByText('Owner').closest('dl')).not.toBeNull();
    expect(
      screen.queryByRole('heading', { name: 'Owner' }),
    ).not.toBeInTheDocument();
  });

  it('warns about a deprecated product, its sunset and its replacement', async () => {
    renderCard(registryExtract);

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('This data product is deprecated');
    expect(banner).toHaveTextContent('It will be retired on 2026-09-30.');
    expect(within(banner).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/research-cohorts',
    );
    expect(
      within(valueOf('Status'))
        .getByText('deprecated')
        .closest('[data-status-tone]'),
    ).toHaveAttribute('data-status-tone', 'warning');
    expect(valueOf('Freshness')).toHaveTextContent('3 months');
    expect(valueOf('Availability')).toHaveTextContent('99 %');
  });

  it('shows a dash for facts a product does not have', async () => {
    renderCard({
      ...patientRecords,
      spec: { owner: 'group:a', domain: 'b', status: 'draft' },
    });

    await screen.findByText('Data product');
    expect(valueOf('Version')).toHaveTextContent('—');
    expect(valueOf('Freshness')).toHaveTextContent('—');
    expect(valueOf('Support')).toHaveTextContent('—');
  });

  it('shows a support channel whose stored URL is not http(s) or mailto as text, not a link', async () => {
    // Stored before the kind refused such URLs: the card must still render.
    renderCard({
      ...patientRecords,
      spec: {
        ...patientRecords.spec,
        support: [
          // eslint-disable-next-line no-script-url -- the URL under test
          { channel: 'chat', url: 'javascript:alert(document.cookie)' },
          { channel: 'wiki', url: ' JavaScript:alert(1)' },
          { channel: 'email', url: 'mailto:clinical-data@example.org' },
        ],
      },
    });

    await screen.findByText('Data product');
    const support = valueOf('Support');
    expect(support).toHaveTextContent('chat, wiki, email');
    expect(within(support).getAllByRole('link')).toHaveLength(1);
    expect(
      within(support).getByRole('link', { name: /^email/ }),
    ).toHaveAttribute('href', 'mailto:clinical-data@example.org');
    expect(support.innerHTML).not.toMatch(/javascript/i);
  });

  it('is not shown on other kinds', async () => {
    renderCard(component);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data product')).not.toBeInTheDocument();
  });
});
