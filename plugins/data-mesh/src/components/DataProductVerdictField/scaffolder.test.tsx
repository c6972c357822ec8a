import { createExtensionTester } from '@backstage/frontend-test-utils';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  FieldExtensionOptions,
  ScaffolderFieldExtensions,
  TemplateParameterSchema,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import {
  FormFieldBlueprint,
  Stepper,
} from '@backstage/plugin-scaffolder-react/alpha';
import { EvaluateResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import YAML from 'yaml';
import { dataProductVerdictFormField } from '../../alpha';
import { dataMeshApiRef } from '../../api';
import { DataProductVerdictFieldExtension } from '../../plugin';
import { fakeDataMeshApi, readExample } from '../../__testUtils__';

const verdict: EvaluateResponse = {
  scorecard: { score: 60, level: 'bronze', checks: [] },
  governance: {
    compliant: false,
    results: [
      {
        id: 'personal-data-protected',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'global',
        outcome: 'fail',
        blocking: true,
      },
    ],
  },
};

/** The form of the example "New data product" template, as the scaffolder shows it. */
function newDataProductForm(): TemplateParameterSchema {
  const template = YAML.parse(
    readExample('templates/new-data-product/template.yaml'),
  );
  return {
    title: template.metadata.title,
    steps: template.spec.parameters.map((step: any) => ({
      title: step.title,
      description: step.description,
      schema: step,
    })),
  };
}

/** What a user has filled in on the first four pages. */
const filledIn = {
  name: 'customer-lifetime-value',
  domain: 'domain:default/sales',
  owner: 'group:default/sales-data',
  type: 'consumer-aligned',
  status: 'draft',
  version: '0.1.0',
  // The form refuses personal data classified below confidential on its own page.
  classification: 'confidential',
  personalData: true,
  purpose: 'Rank customers by predicted value for retention campaigns.',
  outputPorts: [
    {
      name: 'scores',
      type: 'table',
      columns: [{ name: 'id', type: 'string' }],
    },
  ],
  freshness: 'P1D',
  availability: 99,
};

/** The field extensions a legacy app declares in its scaffolder route. */
function LegacyExtensions(props: {
  children: (extensions: FieldExtensionOptions[]) => ReactNode;
}) {
  const extensions = useCustomFieldExtensions(
    <ScaffolderFieldExtensions>
      <DataProductVerdictFieldExtension />
    </ScaffolderFieldExtensions>,
  );
  return <>{props.children(extensions)}</>;
}

/** The field extensions of the new frontend system's scaffolder, once loaded. */
function NewFrontendSystemExtensions(props: {
  children: (extensions: FieldExtensionOptions[]) => ReactNode;
}) {
  const { value } = useAsync(async () => {
    const field = await formFieldOfTheNewFrontendSystem();
    return [{ ...field, schema: field.schema.schema }];
  }, []);
  return value ? <>{props.children(value)}</> : null;
}

/** The field as the new frontend system's scaffolder loads it from the plugin. */
async function formFieldOfTheNewFrontendSystem() {
  const loader = createExtensionTester(dataProductVerdictFormField).get(
    FormFieldBlueprint.dataRefs.formFieldLoader,
  );
  // The scaffolder page reads the field's options through the opaque FormField.
  return (await loader()) as unknown as Omit<
    FieldExtensionOptions,
    'schema'
  > & {
    schema: { schema: FieldExtensionOptions['schema'] };
  };
}

describe('the DataProductVerdict scaffolder field', () => {
  // The stepper scrolls to the top of each page, which jsdom does not do.
  beforeEach(() => jest.spyOn(window, 'scrollTo').mockImplementation());
  afterEach(() => jest.restoreAllMocks());

  it('is a form field of the new frontend system, with its options documented', async () => {
    const field = await formFieldOfTheNewFrontendSystem();

    expect(field.name).toBe('DataProductVerdict');
    expect(field.schema.schema?.uiOptions).toMatchObject({
      properties: { descriptorInput: { type: 'object' } },
    });
  });

  it.each([
    [
      'a legacy app',
      (render: (extensions: FieldExtensionOptions[]) => ReactNode) => (
        <LegacyExtensions>{render}</LegacyExtensions>
      ),
    ],
    [
      'the new frontend system',
      (render: (extensions: FieldExtensionOptions[]) => ReactNode) => (
        <NewFrontendSystemExtensions>{render}</NewFrontendSystemExtensions>
      ),
    ],
  ])(
    "shows the verdict on the example template's last page, from the whole form, in %s",
    async (_system, withExtensions) => {
      const api = fakeDataMeshApi({ dryRun: jest.fn(async () => verdict) });
      renderInTestApp(
        withExtensions(extensions => (
          <Stepper
            manifest={newDataProductForm()}
            extensions={extensions}
            initialState={filledIn}
            onCreate={jest.fn()}
          />
        )),
        { apis: [[dataMeshApiRef, api]] },
      );

      // The product, data and governance, ports, service levels, tables: then the verdict.
      for (let page = 0; page < 5; page++) {
        await userEvent.click(
          await screen.findByRole('button', { name: 'Next' }),
        );
      }

      const field = await screen.findByRole('region', {
        name: 'Governance verdict',
      });
      expect(
        await within(field).findByLabelText('Compliance'),
      ).toHaveTextContent('Not compliant');
      expect(
        within(field).getByRole('listitem', {
          name: 'personal-data-protected',
        }),
      ).toBeInTheDocument();
      // One dry run, of the product the descriptor step writes from this form.
      expect(api.dryRun).toHaveBeenCalledTimes(1);
      expect(api.dryRun.mock.calls[0][0].entity).toMatchObject({
        metadata: {
          name: 'customer-lifetime-value',
          annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
        },
        spec: {
          owner: 'group:sales-data',
          domain: 'sales',
          slos: { freshness: 'P1D', availability: 99 },
          outputPorts: [
            {
              name: 'scores',
              type: 'table',
              contract: 'customer-lifetime-value-scores-contract',
            },
          ],
        },
      });

      // The review lists the form's values, without the verdict.
      await userEvent.click(screen.getByRole('button', { name: 'Review' }));
      expect(await screen.findByText('customer-lifetime-value')).toBeVisible();
      expect(screen.queryByText('Governance verdict')).not.toBeInTheDocument();
    },
    30_000,
  );
});
