import { isValidDataProductEntity } from '../kinds';
import {
  compactEntityRef,
  DataProductFormValues,
  dataProductFromForm,
  missingDataProductFormFields,
} from './dataProductFromForm';

/** The values of the "New data product" template's form, as a user fills it in. */
const form = {
  name: 'customer-lifetime-value',
  title: 'Customer Lifetime Value',
  description: 'Predicted lifetime value of every customer.',
  domain: 'domain:default/sales',
  owner: 'group:default/sales-data',
  type: 'consumer-aligned',
  status: 'draft',
  version: '0.1.0',
  tags: ['customers'],
  classification: 'confidential',
  personalData: true,
  purpose: 'Rank customers by predicted value for retention campaigns.',
  usage: '',
  limitations: undefined,
  outputPorts: [
    {
      name: 'scores',
      type: 'table',
      description: 'One row per customer',
      columns: [{ name: 'customer_id', type: 'string', primaryKey: true }],
    },
    { name: 'segments', type: 'view', contract: 'api:default/segments' },
  ],
  inputPorts: [
    { dataProduct: 'dataproduct:default/customer-orders' },
    {
      dataProduct: 'dataproduct:finance/invoices',
      outputPort: 'monthly',
      contract: 'api:finance/invoices-contract',
    },
  ],
  freshness: 'P1D',
  availability: 99.5,
  support: [{ channel: 'chat', url: 'https://chat.example.com/sales-data' }],
  // What the form holds besides the product, such as the verdict field's own value.
  verdict: null,
} as unknown as DataProductFormValues;

describe('dataProductFromForm', () => {
  it('describes the product of a filled-in form, valid for the catalog', () => {
    const entity = dataProductFromForm({
      ...form,
      annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
      contractsDirectory: 'contracts',
    });

    expect(isValidDataProductEntity(entity)).toBe(true);
    expect(entity).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'customer-lifetime-value',
        title: 'Customer Lifetime Value',
        description: 'Predicted lifetime value of every customer.',
        tags: ['customers'],
        annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
      },
      spec: {
        // picked refs the short way
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'draft',
        type: 'consumer-aligned',
        version: '0.1.0',
        classification: 'confidential',
        personalData: true,
        purpose: 'Rank customers by predicted value for retention campaigns.',
        support: [
          { channel: 'chat', url: 'https://chat.example.com/sales-data' },
        ],
        // the form's own SLO fields
        slos: { freshness: 'P1D', availability: 99.5 },
        inputPorts: [
          { name: 'customer-orders', dataProduct: 'customer-orders' },
          {
            name: 'invoices-monthly',
            dataProduct: 'finance/invoices',
            outputPort: 'monthly',
            contract: 'finance/invoices-contract',
          },
        ],
        // columns left out; with contractsDirectory, each port names the API of its contract
        outputPorts: [
          {
            name: 'scores',
            type: 'table',
            description: 'One row per customer',
            contract: 'customer-lifetime-value-scores-contract',
          },
          { name: 'segments', type: 'view', contract: 'segments' },
        ],
      },
    });
  });

  it('leaves contracts as the form gives them without contractsDirectory', () => {
    const entity = dataProductFromForm(form);

    expect(entity.spec.outputPorts).toEqual([
      { name: 'scores', type: 'table', description: 'One row per customer' },
      { name: 'segments', type: 'view', contract: 'api:default/segments' },
    ]);
    expect(entity.metadata.annotations).toBeUndefined();
  });

  it('describes a minimal product, leaving empty fields out', () => {
    const entity = dataProductFromForm({
      name: 'orders',
      owner: 'sales-data',
      domain: 'sales',
      title: '',
      tags: [],
      annotations: {},
      inputPorts: [],
      outputPorts: [],
      slos: {},
      support: [],
    });

    expect(entity).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'orders' },
      spec: { owner: 'group:sales-data', domain: 'sales', status: 'draft' },
    });
    expect(isValidDataProductEntity(entity)).toBe(true);
  });

  it('skips list items the form has not filled in yet', () => {
    const entity = dataProductFromForm({
      ...form,
      inputPorts: [null, undefined] as any,
      outputPorts: [undefined, { name: 'scores', type: 'table' }] as any,
      support: 'chat' as any,
    });

    expect(entity.spec.inputPorts).toBeUndefined();
    expect(entity.spec.outputPorts).toEqual([
      { name: 'scores', type: 'table' },
    ]);
    expect(entity.spec.support).toBeUndefined();
  });

  it('prefers slos to the SLO fields of their own', () => {
    const entity = dataProductFromForm({
      ...form,
      slos: { availability: 90 },
    });

    expect(entity.spec.slos).toEqual({ freshness: 'P1D', availability: 90 });
  });

  it('keeps what is wrong for the validators to name', () => {
    const entity = dataProductFromForm({
      ...form,
      owner: 'group:',
      status: 'live' as any,
      outputPorts: [{ name: 'scores', type: 'spreadsheet' as any }],
      inputPorts: [{ description: 'no product picked' }],
      freshness: 'daily',
    });

    expect(entity.spec.owner).toBe('group:');
    expect(entity.spec.inputPorts).toEqual([
      { description: 'no product picked' },
    ]);
    expect(() => isValidDataProductEntity(entity)).toThrow(
      /spec\.status.*spec\.inputPorts\[0\]\.name.*spec\.outputPorts\[0\]\.type.*spec\.slos\.freshness/s,
    );
  });
});

describe('missingDataProductFormFields', () => {
  it('names the required fields not filled in yet', () => {
    expect(missingDataProductFormFields(undefined)).toEqual([
      'name',
      'owner',
      'domain',
    ]);
    expect(
      missingDataProductFormFields({ name: 'orders', owner: ' ', domain: 1 }),
    ).toEqual(['owner', 'domain']);
    expect(missingDataProductFormFields(form as any)).toEqual([]);
  });
});

describe('compactEntityRef', () => {
  it('writes refs the short way', () => {
    const domain = { defaultKind: 'Domain' };
    expect(compactEntityRef('domain:default/sales', domain)).toBe('sales');
    expect(compactEntityRef('Domain:other/sales', domain)).toBe('other/sales');
    expect(compactEntityRef('system:default/x', domain)).toBe('system:x');
    expect(
      compactEntityRef('group:default/a', {
        defaultKind: 'Group',
        keepKind: true,
      }),
    ).toBe('group:a');
    expect(compactEntityRef('a:b:c', domain)).toBe('a:b:c');
  });
});
