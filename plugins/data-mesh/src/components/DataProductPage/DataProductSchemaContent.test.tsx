import { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  ContractTestRunResponse,
  ContractTestsResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { screen, within } from '@testing-library/react';
import { entityDataProductSchemaContent } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import {
  exampleEntity,
  fakeDataMeshApi,
  readExample,
  renderEntityPage,
} from '../../__testUtils__';

// Whole test apps render slowly on a busy CI machine.
jest.setTimeout(30_000);

/** The example product and its contract's API entity, `$text` read in as the catalog does. */
const product = exampleEntity(
  'hospital/products.yaml',
  'DataProduct',
  'lab-results',
);
const contract: Entity = (() => {
  const api = exampleEntity(
    'hospital/contracts.yaml',
    'API',
    'lab-results-contract',
  );
  return {
    ...api,
    spec: {
      ...api.spec,
      definition: readExample(
        'hospital/contracts/lab-results-contract.odcs.yaml',
      ),
    },
  };
})();
const entityRef = 'dataproduct:default/lab-results';
const contractRef = 'api:default/lab-results-contract';

const latest: ContractTestRunResponse = {
  id: 'run-1',
  entityRef,
  contractRef,
  contractId: 'lab-results',
  version: '2.2.0',
  server: 'example-data',
  trigger: 'schedule',
  startedAt: new Date(Date.now() - 6 * 60_000).toISOString(),
  finishedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  summary: { passed: 2, failed: 2, errors: 0, skipped: 0 },
  checks: [
    {
      object: 'results',
      property: 'result_id',
      metric: 'duplicateValues',
      outcome: 'pass',
      measured: 0,
    },
    {
      object: 'results',
      property: 'patient_mrn',
      metric: 'nullValues',
      outcome: 'fail',
      measured: 3,
      message: 'results.patient_mrn has 3 null values, the contract allows 0',
    },
    {
      object: 'results',
      property: 'patient_mrn',
      metric: 'required',
      outcome: 'pass',
    },
    {
      object: 'results',
      metric: 'sql',
      name: 'Results are released after collection',
      outcome: 'fail',
      message: '4 rows where resulted_at < collected_at',
    },
  ],
};

const tested: ContractTestsResponse = {
  entityRef,
  summary: latest.summary,
  contracts: [{ contractRef, latest, history: [] }],
};

function render(
  api = fakeDataMeshApi({ getContractTests: jest.fn(async () => tested) }),
  entities: Entity[] = [product, contract],
  entity: Entity = product,
) {
  return renderEntityPage(entity, [entityDataProductSchemaContent], {
    apis: [[dataMeshApiRef, api], catalogApiMock({ entities })],
  });
}

/** The cells of the row of a column, by the column's name. */
function rowOf(table: HTMLElement, column: string) {
  const row = within(table)
    .getAllByRole('row')
    .find(r => within(r).queryByText(column, { selector: 'code' }));
  if (!row) throw new Error(`No row for ${column}`);
  return within(row).getAllByRole('cell');
}

describe('data product schema tab', () => {
  it("shows every column of the port's contract with its type, constraints, classification, rules and latest result", async () => {
    render();

    const table = await screen.findByRole(
      'table',
      { name: 'Columns of results' },
      { timeout: 10_000 },
    );
    expect(screen.getByText('Output port results')).toBeInTheDocument();
    // Eleven columns, in the contract's order.
    expect(within(table).getAllByRole('row')).toHaveLength(12);

    const [name, type, constraints, classification, rules, result] = rowOf(
      table,
      'patient_mrn',
    );
    expect(name).toHaveTextContent('Patient, see patient-records.');
    expect(type).toHaveTextContent('string');
    expect(type).toHaveTextContent('varchar(10)');
    expect(constraints).toHaveTextContent('Required');
    expect(classification).toHaveTextContent('restricted');
    // A rule in words: its description, then what it measures.
    expect(rules).toHaveTextContent(
      'Must not contain null values (nullValues must be 0)',
    );
    // One outcome badge: the worst of the column's checks, with what failed and what passed.
    expect(within(result).getByText('Failed')).toBeInTheDocument();
    expect(result.querySelectorAll('.MuiChip-root')).toHaveLength(1);
    expect(result).toHaveTextContent(
      'nullValues: results.patient_mrn has 3 null values, the contract allows 0',
    );
    expect(result).toHaveTextContent('Passed: required');

    const key = rowOf(table, 'result_id');
    expect(key[2]).toHaveTextContent('Required, primary key (1), unique');
    expect(within(key[5]).getByText('Passed')).toBeInTheDocument();

    // A column without a check of its own says so rather than staying blank.
    expect(rowOf(table, 'unit')[5]).toHaveTextContent(
      'No check on this column',
    );

    // The table's own checks: its rules and what the run measured.
    const section = screen.getByRole('region', {
      name: 'Table checks of results',
    });
    expect(
      within(section).getByText(
        'Rule: Results are released after collection (sql must be 0)',
      ),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(
        'sql (Results are released after collection): 4 rows where resulted_at < collected_at',
      ),
    ).toBeInTheDocument();
  });

  it('shows the schema before any test ran, saying so per column', async () => {
    render(fakeDataMeshApi());
    const table = await screen.findByRole('table', {
      name: 'Columns of results',
    });
    expect(rowOf(table, 'patient_mrn')[5]).toHaveTextContent('Not tested yet');
    expect(screen.getByText(/not tested yet/)).toBeInTheDocument();
  });

  it('still shows the schema when the results cannot be loaded', async () => {
    render(
      fakeDataMeshApi({
        getContractTests: jest.fn(async () => {
          throw new Error('contract tests unavailable');
        }),
      }),
    );
    expect(
      await screen.findByRole('table', { name: 'Columns of results' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/could not be loaded: contract tests unavailable/),
    ).toBeInTheDocument();
  });

  it('says when the catalog has no API entity for a port contract', async () => {
    render(fakeDataMeshApi(), [product]);
    expect(
      await screen.findByText(
        /The catalog has no API entity for this contract/,
      ),
    ).toBeInTheDocument();
  });

  it('shows why a contract cannot be read', async () => {
    render(fakeDataMeshApi(), [
      product,
      { ...contract, spec: { ...contract.spec, definition: 'schema: [' } },
    ]);
    expect(
      await screen.findByText('Error: Could not read the data contract'),
    ).toBeInTheDocument();
  });

  it('explains that a product without port contracts has no schema', async () => {
    const withoutContracts = {
      ...product,
      spec: {
        ...product.spec,
        outputPorts: [{ name: 'files', type: 'files' }],
      },
    };
    render(fakeDataMeshApi(), [withoutContracts], withoutContracts);
    expect(
      await screen.findByText(
        /None of this product's output ports names a data contract/,
      ),
    ).toBeInTheDocument();
  });
});
