import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { OutputPortTablesField } from './OutputPortTablesField';
import { portContractsFromForm } from './portContracts';
import { OutputPortTablesFieldProps } from './schema';

const form = {
  name: 'customer-value',
  domain: 'domain:default/sales',
  owner: 'group:default/sales-data',
  type: 'consumer-aligned',
  status: 'draft',
  classification: 'internal',
  purpose: 'Rank customers by predicted value for retention campaigns.',
  outputPorts: [
    {
      name: 'scores',
      type: 'table',
      columns: [
        { name: 'customer_id', type: 'string', primaryKey: true },
        { name: 'value', type: 'number' },
      ],
    },
    { name: 'events', type: 'topic' },
  ],
};

const DDL =
  'CREATE TABLE "sales"."customer_value_scores" (\n  "customer_id" VARCHAR NOT NULL\n)';

/** The data mesh backend as the field calls it, recording the plans asked for. */
function backend(options: { planStatus?: number; breaking?: string[] } = {}) {
  const plans: any[] = [];
  const fetchApi = {
    fetch: jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      if (url.includes('/provisioning/servers')) {
        return json(200, {
          items: [
            {
              id: 'lake',
              type: 'duckdb',
              schema: 'sales',
              contractServer: {},
            },
          ],
        });
      }
      if (url.endsWith('/provisioning/plan')) {
        plans.push(JSON.parse(String(init?.body)));
        if (options.planStatus) {
          return json(options.planStatus, {
            error: {
              name: 'NotAllowedError',
              message:
                'Only the owners of dataproduct:default/customer-value (group:default/sales-data) may provision its output ports',
            },
            response: { statusCode: options.planStatus },
          });
        }
        return json(200, {
          entityRef: 'dataproduct:default/customer-value',
          server: {
            id: 'lake',
            type: 'duckdb',
            schema: 'sales',
            contractServer: {},
          },
          dialect: 'duckdb',
          applied: false,
          ports: [
            {
              port: 'scores',
              objects: [
                {
                  table: '"sales"."customer_value_scores"',
                  action: options.breaking ? 'alter' : 'create',
                },
              ],
              statements: options.breaking ? [] : [DDL],
              notes: [],
              ...(options.breaking && { breaking: options.breaking }),
            },
          ],
        });
      }
      return json(404, { error: { name: 'NotFoundError', message: url } });
    }),
  };
  const discoveryApi = {
    getBaseUrl: async () => 'http://localhost:7007/api/data-mesh',
  };
  return { plans, fetchApi, discoveryApi };
}

function Form(props: { onChange: jest.Mock }) {
  const [value, setValue] = useState<any>(undefined);
  const fieldProps = {
    name: 'tables',
    schema: { type: 'object', title: 'Tables of the output ports' },
    uiSchema: { 'ui:field': 'OutputPortTables' },
    idSchema: { $id: 'root_tables' },
    formContext: { formData: { ...form, tables: value } },
    formData: value,
    onChange: (next: unknown) => {
      props.onChange(next);
      setValue(next);
    },
  } as unknown as OutputPortTablesFieldProps;
  return <OutputPortTablesField {...fieldProps} />;
}

describe('OutputPortTablesField', () => {
  it("offers the domain's servers and shows the DDL, which becomes its value", async () => {
    const api = backend();
    const onChange = jest.fn();
    await renderInTestApp(<Form onChange={onChange} />, {
      apis: [
        [fetchApiRef, api.fetchApi],
        [discoveryApiRef, api.discoveryApi],
      ],
    });
    expect(
      await screen.findByText(/lake \(duckdb, schema sales\)/),
    ).toBeInTheDocument();
    expect(
      await screen.findByLabelText('DDL to run', {}, { timeout: 3000 }),
    ).toHaveTextContent('CREATE TABLE "sales"."customer_value_scores"');
    await waitFor(() =>
      expect(onChange).toHaveBeenLastCalledWith({
        server: 'lake',
        ddl: `${DDL};`,
      }),
    );
    // The plan is of the table ports only, on the chosen server.
    expect(api.plans[0]).toMatchObject({
      server: 'lake',
      entity: { metadata: { name: 'customer-value' } },
      contracts: [{ port: 'scores' }],
    });
  });

  it('refuses tables that exist and that the contracts would break, saying how', async () => {
    const api = backend({
      breaking: [
        '"sales"."customer_value_scores".score: type integer, not double',
      ],
    });
    const onChange = jest.fn();
    await renderInTestApp(<Form onChange={onChange} />, {
      apis: [
        [fetchApiRef, api.fetchApi],
        [discoveryApiRef, api.discoveryApi],
      ],
    });
    expect(
      await screen.findByText(
        /The tables cannot be created as the form stands/,
        {},
        { timeout: 3000 },
      ),
    ).toHaveTextContent('score: type integer, not double');
    expect(
      screen.queryByText('The tables exist already'),
    ).not.toBeInTheDocument();
    await act(async () => {});
  });

  it("says why the tables cannot be created, in the backend's words", async () => {
    const api = backend({ planStatus: 403 });
    await renderInTestApp(<Form onChange={jest.fn()} />, {
      apis: [
        [fetchApiRef, api.fetchApi],
        [discoveryApiRef, api.discoveryApi],
      ],
    });
    expect(
      await screen.findByText(
        /The tables cannot be created as the form stands/,
        {},
        { timeout: 3000 },
      ),
    ).toHaveTextContent(
      'Only the owners of dataproduct:default/customer-value (group:default/sales-data) may provision its output ports',
    );
    await act(async () => {});
  });
});

describe('portContractsFromForm', () => {
  it('writes the contracts of the table and view ports as the template does', () => {
    expect(portContractsFromForm('customer-value', form.outputPorts)).toEqual([
      {
        port: 'scores',
        definition: {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: 'customer-value-scores-contract',
          version: '1.0.0',
          status: 'draft',
          schema: [
            {
              name: 'scores',
              physicalName: 'customer_value_scores',
              logicalType: 'object',
              properties: [
                {
                  name: 'customer_id',
                  logicalType: 'string',
                  required: true,
                  primaryKey: true,
                  primaryKeyPosition: 1,
                },
                { name: 'value', logicalType: 'number' },
              ],
            },
          ],
        },
      },
    ]);
  });
});
