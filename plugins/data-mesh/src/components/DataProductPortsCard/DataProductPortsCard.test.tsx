import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import { entityDataProductPortsCard } from '../../alpha';
import {
  component,
  dataProduct,
  exampleEntity,
  renderEntityPage,
} from '../../__testUtils__';

jest.setTimeout(30_000);

const labResults = exampleEntity(
  'hospital/products.yaml',
  'DataProduct',
  'lab-results',
);

/** The row of a port, by the port name in its first cell. */
function rowOf(table: HTMLElement, portName: string) {
  const row = within(table)
    .getAllByRole('row')
    .find(r =>
      within(r).queryAllByRole('cell')[0]?.textContent?.startsWith(portName),
    );
  if (!row) throw new Error(`No row for port ${portName}`);
  return row;
}

describe('data product ports card', () => {
  it('shows input ports with their upstream product and contract', async () => {
    renderEntityPage(labResults, [entityDataProductPortsCard]);

    const inputs = await screen.findByRole('table', { name: 'Input ports' });
    const fromSystem = rowOf(inputs, 'lis-results');
    expect(fromSystem).toHaveTextContent(
      'HL7 v2 ORU result messages from the laboratory information system.',
    );
    expect(within(fromSystem).queryByRole('link')).not.toBeInTheDocument();

    const fromProduct = rowOf(inputs, 'patient-records');
    const [upstream, contract] = within(fromProduct).getAllByRole('link');
    expect(upstream).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-records',
    );
    expect(fromProduct).toHaveTextContent('port records');
    expect(contract).toHaveAttribute(
      'href',
      '/catalog/default/api/patient-records-contract',
    );
  });

  it('shows output ports with type, version, description and contract', async () => {
    renderEntityPage(labResults, [entityDataProductPortsCard]);

    const outputs = await screen.findByRole('table', { name: 'Output ports' });
    const results = rowOf(outputs, 'results');
    const cells = within(results).getAllByRole('cell');
    expect(cells.map(cell => cell.textContent)).toEqual([
      'results',
      'table',
      '2.2.0',
      'PostgreSQL table clinical.lab.results.',
      expect.stringContaining('lab-results-contract'),
      // Request access, for those allowed (tested with the Access components).
      expect.any(String),
    ]);
    expect(within(results).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/api/lab-results-contract',
    );
  });

  it('says so when a product has no ports', async () => {
    renderEntityPage(dataProduct('no-ports'), [entityDataProductPortsCard]);

    expect(
      await screen.findByText(
        'This data product has no input or output ports.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says so when one side has no ports', async () => {
    renderEntityPage(
      dataProduct('source', {
        outputPorts: [{ name: 'events', type: 'topic', deprecated: true }],
      }),
      [entityDataProductPortsCard],
    );

    expect(await screen.findByText('No input ports.')).toBeInTheDocument();
    const outputs = screen.getByRole('table', { name: 'Output ports' });
    expect(rowOf(outputs, 'events')).toHaveTextContent('deprecated');
  });

  it('links ports that name their contract only by ODCS id, as ODPS documents do', async () => {
    const contractApi = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: 'engagement-contract',
        namespace: 'default',
        annotations: { 'datamesh-portal.io/odcs-id': 'b675-engagement' },
      },
      spec: {
        type: 'odcs',
        lifecycle: 'production',
        owner: 'x',
        definition: '',
      },
    };
    const provider = dataProduct('content-engagement', {}, [
      { type: 'providesApi', targetRef: 'api:default/engagement-contract' },
    ]);
    const trending = dataProduct('trending-topics', {
      inputPorts: [
        { name: 'engagement', version: '1.4.0', contractId: 'b675-engagement' },
      ],
      outputPorts: [
        {
          name: 'hourly',
          type: 'table',
          version: '1.0.0',
          contractId: 'not-registered',
        },
      ],
    });
    renderEntityPage(trending, [entityDataProductPortsCard], {
      apis: [catalogApiMock({ entities: [contractApi, provider, trending] })],
    });

    const inputs = await screen.findByRole('table', { name: 'Input ports' });
    const engagement = rowOf(inputs, 'engagement');
    await waitFor(() =>
      expect(within(engagement).getAllByRole('link')).toHaveLength(2),
    );
    const [upstream, contract] = within(engagement).getAllByRole('link');
    expect(upstream).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/content-engagement',
    );
    expect(contract).toHaveAttribute(
      'href',
      '/catalog/default/api/engagement-contract',
    );
    // A contract id the catalog does not know is shown as it is.
    const outputs = screen.getByRole('table', { name: 'Output ports' });
    expect(rowOf(outputs, 'hourly')).toHaveTextContent('not-registered');
  });

  it('is not shown on other kinds', async () => {
    renderEntityPage(component, [entityDataProductPortsCard]);

    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Ports')).not.toBeInTheDocument();
  });
});
