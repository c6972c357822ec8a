import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityOdcsContractContent } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  component,
  exampleEntity,
  fakeDataMeshApi,
  permissionsAllowing,
  readExample,
  renderEntityPage,
  responseError,
} from '../../__testUtils__';
import { odcsApiDefinitionWidget } from './odcsApiDefinitionWidget';

// Whole test apps render slowly on a busy CI machine.
jest.setTimeout(30_000);

/** The example API entity with its `$text` definition read in, as the catalog does. */
const patientRecordsContract: Entity = (() => {
  const api = exampleEntity(
    'hospital/contracts.yaml',
    'API',
    'patient-records-contract',
  );
  return {
    ...api,
    spec: {
      ...api.spec,
      definition: readExample(
        'hospital/contracts/patient-records-contract.odcs.yaml',
      ),
    },
  };
})();

function contractApi(definition: string): Entity {
  return {
    ...patientRecordsContract,
    spec: { ...patientRecordsContract.spec, definition },
  };
}

function valueOf(label: string) {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling as HTMLElement;
}

/** The cell texts of the table row whose first cell is `first`. */
function rowTexts(table: HTMLElement, first: string) {
  const row = within(table)
    .getAllByRole('row')
    .find(r => within(r).queryAllByRole('cell')[0]?.textContent === first);
  if (!row) throw new Error(`No row ${first}`);
  return within(row)
    .getAllByRole('cell')
    .map(cell => cell.textContent);
}

describe('ODCS contract content', () => {
  it('shows the header of an example contract', async () => {
    renderEntityPage(patientRecordsContract, [entityOdcsContractContent]);

    expect(await screen.findByText('Data contract')).toBeInTheDocument();
    expect(valueOf('Name')).toHaveTextContent('Patient Records');
    expect(valueOf('Version')).toHaveTextContent('4.0.0');
    expect(valueOf('Status')).toHaveTextContent('active');
    expect(valueOf('Domain')).toHaveTextContent('clinical');
    expect(within(valueOf('Data product')).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-records',
    );
    expect(valueOf('Purpose')).toHaveTextContent(
      'Identified patient demographics and hospital encounters from the EHR.',
    );
  });

  it('shows each schema object as a table of its properties', async () => {
    renderEntityPage(patientRecordsContract, [entityOdcsContractContent]);

    const patients = await screen.findByRole('table', {
      name: 'Properties of patients',
    });
    expect(
      within(patients)
        .getAllByRole('columnheader')
        .map(header => header.textContent),
    ).toEqual([
      'Property',
      'Logical type',
      'Physical type',
      'Required',
      'Primary key',
      'Classification',
      'Description',
    ]);
    expect(rowTexts(patients, 'patient_mrn')).toEqual([
      'patient_mrn',
      'string',
      'varchar(10)',
      'Yes',
      'Yes (1)',
      'restricted',
      'Medical record number.',
    ]);
    expect(rowTexts(patients, 'nhs_number')).toEqual([
      'nhs_number',
      'string',
      'char(10)',
      'No',
      'No',
      'restricted',
      'National health identifier.',
    ]);
    const encounters = screen.getByRole('table', {
      name: 'Properties of encounters',
    });
    expect(rowTexts(encounters, 'department_code')[5]).toBe('internal');
    expect(
      screen.getByText('table · One row per patient.'),
    ).toBeInTheDocument();
  });

  it('shows quality rules of properties and objects with their thresholds', async () => {
    renderEntityPage(patientRecordsContract, [entityOdcsContractContent]);

    const quality = await screen.findByRole('table', { name: 'Quality rules' });
    const rows = within(quality).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringContaining('patients.patient_mrnnullValuesmust be 0'),
      expect.stringContaining('patients.patient_mrnduplicateValuesmust be 0'),
      expect.stringContaining('patients.sexinvalidValuesmust be 0'),
      expect.stringContaining('encounterssqlSELECT COUNT(*) FROM encounters'),
      expect.stringContaining('encounters.encounter_idduplicateValues'),
    ]);
    expect(rowTexts(quality, 'encounters')).toEqual([
      'encounters',
      'sqlSELECT COUNT(*) FROM encounters WHERE discharged_at < admitted_at',
      'must be 0',
      'consistency',
      'error',
      'Discharge is never before admission',
    ]);
  });

  it('shows SLA properties and servers', async () => {
    renderEntityPage(patientRecordsContract, [entityOdcsContractContent]);

    const sla = await screen.findByRole('table', { name: 'Service levels' });
    expect(rowTexts(sla, 'latency')).toEqual([
      'latency',
      '4',
      'h',
      'encounters.admitted_at',
      '',
      '',
    ]);
    expect(rowTexts(sla, 'retention')).toEqual([
      'retention',
      '8',
      'y',
      'encounters.admitted_at',
      'regulatory',
      'Adult records are retained for 8 years after the last encounter.',
    ]);

    const servers = screen.getByRole('table', { name: 'Servers' });
    const [server, type, environment, location] = rowTexts(
      servers,
      'clinical-dwh',
    );
    expect([server, type, environment]).toEqual([
      'clinical-dwh',
      'postgres',
      'prod',
    ]);
    expect(location).toBe(
      'host: dwh.riverside-health.internalport: 5432database: clinicalschema: ehr',
    );
  });

  it('indents nested object and array item properties', async () => {
    renderEntityPage(
      contractApi(`
apiVersion: v3.1.0
kind: DataContract
id: nested
name: Nested
version: 1.0.0
status: draft
schema:
  - name: customers
    properties:
      - name: address
        logicalType: object
        properties:
          - name: street
            logicalType: string
      - name: orders
        logicalType: array
        items:
          logicalType: object
          properties:
            - name: order_id
              logicalType: string
              quality:
                - metric: rowCount
                  mustBeBetween: [1, 5]
                  unit: rows
`),
      [entityOdcsContractContent],
    );

    const table = await screen.findByRole('table', {
      name: 'Properties of customers',
    });
    const indent = (name: string) =>
      within(table).getByText(name).style.paddingLeft;
    expect(indent('address')).toBe('0px');
    expect(indent('street')).toBe('24px');
    expect(indent('order_id')).toBe('24px');
    expect(rowTexts(table, 'orders')[1]).toBe('array<object>');
    expect(
      rowTexts(
        screen.getByRole('table', { name: 'Quality rules' }),
        'customers.orders[].order_id',
      )[2],
    ).toBe('must be between 1 and 5 rows');
    expect(
      screen.getByText('The contract has no service level properties.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The contract names no servers.'),
    ).toBeInTheDocument();
  });

  it('shows an error panel for a definition that is not YAML', async () => {
    renderEntityPage(contractApi('name: [unclosed\nschema: {'), [
      entityOdcsContractContent,
    ]);

    expect(
      await screen.findByText(/Could not read the data contract/),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/flow sequence|Flow/i);
    expect(screen.queryByText('Data contract')).not.toBeInTheDocument();
  });

  it('shows an error panel for YAML that is not a contract', async () => {
    renderEntityPage(contractApi('- just\n- a list\n'), [
      entityOdcsContractContent,
    ]);

    expect(
      await screen.findByText(
        /The contract must be an object .* but it is a list/,
      ),
    ).toBeInTheDocument();
  });

  it('is not shown on other API types and other kinds', async () => {
    const openapi = {
      ...patientRecordsContract,
      spec: { ...patientRecordsContract.spec, type: 'openapi' },
    };
    renderEntityPage(openapi, [entityOdcsContractContent]);
    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data contract')).not.toBeInTheDocument();
  });

  it('is not shown on components', async () => {
    renderEntityPage(component, [entityOdcsContractContent]);
    expect(await screen.findByText('page rendered')).toBeInTheDocument();
    expect(screen.queryByText('Data contract')).not.toBeInTheDocument();
  });
});

describe('ODCS contract content with the contract tests', () => {
  const productRef = 'dataproduct:default/patient-records';
  const apiRef = 'api:default/patient-records-contract';
  // The catalog relates the API to the product whose output port names it.
  const provided: Entity = {
    ...patientRecordsContract,
    relations: [{ type: 'apiProvidedBy', targetRef: productRef }],
  };
  const tests = {
    entityRef: productRef,
    summary: { passed: 1, failed: 1, errors: 0, skipped: 0 },
    contracts: [
      {
        contractRef: apiRef,
        history: [],
        latest: {
          id: 'run-1',
          entityRef: productRef,
          contractRef: apiRef,
          contractId: 'patient-records',
          version: '4.0.0',
          server: 'clinical-dwh',
          trigger: 'schedule' as const,
          startedAt: new Date(Date.now() - 120_000).toISOString(),
          finishedAt: new Date(Date.now() - 60_000).toISOString(),
          summary: { passed: 1, failed: 1, errors: 0, skipped: 0 },
          checks: [
            { object: 'patients', metric: 'exists', outcome: 'pass' as const },
            {
              object: 'patients',
              property: 'nhs_number',
              metric: 'unique',
              outcome: 'fail' as const,
              measured: 3,
              expected: '0 duplicates',
              message: '3 duplicate values',
            },
          ],
        },
      },
    ],
  };

  function render(
    api: ReturnType<typeof fakeDataMeshApi>,
    permission = permissionsAllowing(),
  ) {
    return renderEntityPage(provided, [entityOdcsContractContent], {
      apis: [[dataMeshApiRef, api], permission],
    });
  }

  it("shows the last run of the contract on its data above the contract, and links to the product's tests", async () => {
    const api = fakeDataMeshApi({
      getContractTests: jest.fn(async () => tests),
    });
    render(api);

    const checks = await screen.findByRole('region', {
      name: `Checks of ${apiRef}`,
    });
    expect(within(checks).getByText('3 duplicate values')).toBeInTheDocument();
    expect(api.getContractTests).toHaveBeenCalledWith(productRef);
    expect(
      screen.getByRole('link', {
        name: 'All contract tests of the data product',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-records/quality',
    );
    expect(screen.getByText('Data contract')).toBeInTheDocument();
    // Run now is the product's: only for those allowed on it.
    expect(screen.queryByRole('button', { name: 'Run now' })).toBeNull();
  });

  it('lets those allowed on the product run the tests from the contract', async () => {
    const api = fakeDataMeshApi({
      getContractTests: jest.fn(async () => tests),
      runContractTests: jest.fn(async () => tests),
    });
    render(api, permissionsAllowing('data-mesh.contract-test.run'));

    await userEvent.click(
      await screen.findByRole('button', { name: 'Run now' }),
    );
    expect(api.runContractTests).toHaveBeenCalledWith(productRef);
  });

  it('shows the contract alone when the product does not list it', async () => {
    render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => ({ ...tests, contracts: [] })),
      }),
    );
    expect(await screen.findByText('Data contract')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /^Checks of/ })).toBeNull();
  });

  it('says when the tests cannot be read, and still shows the contract', async () => {
    render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => {
          throw await responseError(500, {
            name: 'Error',
            message: 'database is down',
          });
        }),
      }),
    );
    expect(
      await screen.findByText(
        "Warning: Could not load the contract's test results",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Data contract')).toBeInTheDocument();
  });
});

describe('ODCS API definition widget', () => {
  it('renders an ODCS definition for the api-docs definition card', async () => {
    const widget = odcsApiDefinitionWidget();
    expect(widget.type).toBe('odcs');

    await renderInTestApp(
      widget.component(
        readExample('social-media/contracts/ad-performance-contract.odcs.yaml'),
      ),
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    expect(
      screen.getByRole('table', { name: 'Properties of campaign_daily' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Advertising Performance - Campaign Daily'),
    ).toBeInTheDocument();
  });
});
