import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { apiEntityV1alpha1Validator } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { isValidDataProductEntity } from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import YAML from 'yaml';
import { createProductDescriptorAction } from './productDescriptor';
import { examples } from './productDescriptor.examples';

describe('data-mesh:product:descriptor', () => {
  const workspace = createMockDirectory();
  const action = createProductDescriptorAction();

  beforeEach(() => workspace.clear());

  it('writes a catalog-info.yaml the catalog accepts', async () => {
    const input = YAML.parse(examples[0].example).steps[0].input;
    const ctx = createMockActionContext({
      input: { ...input, targetPath: 'product' },
      workspacePath: workspace.path,
    });

    await action.handler(ctx);

    const written = YAML.parse(
      fs.readFileSync(workspace.resolve('product/catalog-info.yaml'), 'utf8'),
    );
    expect(isValidDataProductEntity(written)).toBe(true);
    expect(written).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'customer-orders', title: 'Customer Orders' },
      spec: {
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'draft',
        type: 'source-aligned',
        classification: 'confidential',
        personalData: true,
        purpose: 'Orders per customer, cleaned and deduplicated.',
        outputPorts: [
          {
            name: 'orders',
            type: 'table',
            contract: 'customer-orders-contract',
          },
        ],
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'dataproduct:default/customer-orders',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'descriptorPath',
      'product/catalog-info.yaml',
    );
  });

  it('refuses an invalid product and writes nothing', async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'customer-orders',
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'draft',
        outputPorts: [{ name: 'orders', type: 'spreadsheet' }],
        targetPath: '.',
      } as any,
      workspacePath: workspace.path,
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      message:
        'The data product descriptor is invalid: spec.outputPorts[0].type: must be one of table, view, topic, file, api, dashboard, model, other, got "spreadsheet"',
      problems: [
        {
          field: 'spec.outputPorts[0].type',
          message:
            'must be one of table, view, topic, file, api, dashboard, model, other, got "spreadsheet"',
        },
      ],
    });
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it('refuses a target path outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'customer-orders',
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'draft' as const,
        targetPath: '../outside',
      },
      workspacePath: workspace.path,
    });

    await expect(action.handler(ctx)).rejects.toThrow(/outside/);
  });

  describe('with contract APIs and upstream products', () => {
    const upstream = {
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'customer-orders', namespace: 'default' },
      spec: {
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'active',
        outputPorts: [
          {
            name: 'orders',
            type: 'table',
            contract: 'customer-orders-contract',
          },
        ],
      },
    };
    const twoPorts = {
      ...upstream,
      metadata: { name: 'order-events', namespace: 'default' },
      spec: {
        ...upstream.spec,
        outputPorts: [
          { name: 'events', type: 'topic' },
          { name: 'daily', type: 'table' },
        ],
      },
    };
    const catalog = catalogServiceMock({ entities: [upstream, twoPorts] });
    const withCatalog = createProductDescriptorAction({
      catalog,
      auth: mockServices.auth(),
    });
    const exampleInput = () => YAML.parse(examples[1].example).steps[0].input;

    it('writes the product and one odcs API per output port', async () => {
      const ctx = createMockActionContext({
        input: exampleInput(),
        workspacePath: workspace.path,
      });

      await withCatalog.handler(ctx);

      const [product, api, ...others] = YAML.parseAllDocuments(
        fs.readFileSync(workspace.resolve('catalog-info.yaml'), 'utf8'),
      ).map(doc => doc.toJS());
      expect(others).toEqual([]);
      expect(isValidDataProductEntity(product)).toBe(true);
      expect(product.spec).toEqual({
        // picked refs are written the short way, as in the examples
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'draft',
        type: 'consumer-aligned',
        version: '0.1.0',
        classification: 'internal',
        personalData: false,
        purpose: 'Rank customers by predicted value for retention campaigns.',
        // the upstream port's contract is filled in: lineage and consumed API
        inputPorts: [
          {
            name: 'customer-orders-orders',
            dataProduct: 'customer-orders',
            outputPort: 'orders',
            contract: 'customer-orders-contract',
          },
        ],
        outputPorts: [
          {
            name: 'scores',
            type: 'table',
            description: 'One row per customer',
            contract: 'customer-lifetime-value-scores-contract',
          },
        ],
        slos: { freshness: 'P1D', availability: 99 },
      });
      // The catalog resolves the $text placeholder before it validates the API.
      const resolved = { ...api, spec: { ...api.spec, definition: 'text' } };
      expect(await apiEntityV1alpha1Validator.check(resolved)).toBe(true);
      expect(api).toEqual({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'API',
        metadata: {
          name: 'customer-lifetime-value-scores-contract',
          title: 'Customer Lifetime Value: scores',
          description:
            'Data contract of output port scores of data product customer-lifetime-value.',
          tags: ['odcs'],
        },
        spec: {
          type: 'odcs',
          lifecycle: 'experimental',
          owner: 'group:sales-data',
          definition: { $text: './contracts/scores.odcs.yaml' },
        },
      });
      expect(ctx.output).toHaveBeenCalledWith('entity', product);
      expect(ctx.output).toHaveBeenCalledWith('contractRefs', [
        'api:default/customer-lifetime-value-scores-contract',
      ]);
    });

    it("picks the upstream's only output port and names the API as the port asks", async () => {
      const ctx = createMockActionContext({
        input: {
          name: 'order-insights',
          owner: 'sales-data',
          domain: 'sales',
          status: 'active' as const,
          inputPorts: [{ dataProduct: 'customer-orders' }],
          outputPorts: [
            { name: 'insights', type: 'view' as const, contract: 'insights' },
          ],
          contractsDirectory: './odcs',
        },
        workspacePath: workspace.path,
      });

      await withCatalog.handler(ctx);

      const [product, api] = YAML.parseAllDocuments(
        fs.readFileSync(workspace.resolve('catalog-info.yaml'), 'utf8'),
      ).map(doc => doc.toJS());
      expect(product.spec.owner).toBe('group:sales-data');
      expect(product.spec.inputPorts).toEqual([
        {
          name: 'customer-orders-orders',
          dataProduct: 'customer-orders',
          outputPort: 'orders',
          contract: 'customer-orders-contract',
        },
      ]);
      expect(product.spec.outputPorts[0].contract).toBe('insights');
      expect(api.metadata.name).toBe('insights');
      expect(api.spec).toMatchObject({
        lifecycle: 'production',
        definition: { $text: './odcs/insights.odcs.yaml' },
      });
    });

    it('refuses upstream products or ports the catalog does not have, and writes nothing', async () => {
      const ctx = createMockActionContext({
        input: {
          name: 'order-insights',
          owner: 'group:sales-data',
          domain: 'sales',
          inputPorts: [
            { dataProduct: 'dataproduct:default/no-such-product' },
            { dataProduct: 'customer-orders', outputPort: 'payments' },
            { dataProduct: 'order-events' },
          ],
        },
        workspacePath: workspace.path,
      });

      await expect(withCatalog.handler(ctx)).rejects.toMatchObject({
        message:
          'The data product descriptor is invalid: ' +
          'inputPorts[0].dataProduct: no data product dataproduct:default/no-such-product in the catalog; ' +
          'inputPorts[1].outputPort: dataproduct:default/customer-orders has no output port "payments"; its output ports are orders; ' +
          'inputPorts[2].outputPort: choose one of the output ports of dataproduct:default/order-events: events, daily',
        problems: [
          {
            field: 'inputPorts[0].dataProduct',
            message:
              'no data product dataproduct:default/no-such-product in the catalog',
          },
          {
            field: 'inputPorts[1].outputPort',
            message:
              'dataproduct:default/customer-orders has no output port "payments"; its output ports are orders',
          },
          {
            field: 'inputPorts[2].outputPort',
            message:
              'choose one of the output ports of dataproduct:default/order-events: events, daily',
          },
        ],
      });
      expect(fs.readdirSync(workspace.path)).toEqual([]);
    });

    it('refuses a contract API name that is too long', async () => {
      const ctx = createMockActionContext({
        input: {
          name: 'a-product-with-a-rather-long-name-indeed',
          owner: 'group:sales-data',
          domain: 'sales',
          outputPorts: [
            { name: 'a-port-with-a-long-name-too', type: 'table' as const },
          ],
          contractsDirectory: 'contracts',
        },
        workspacePath: workspace.path,
      });

      await expect(action.handler(ctx)).rejects.toThrow(
        /outputPorts\[0\]\.name: the contract API name "a-product-with-a-rather-long-name-indeed-a-port-with-a-long-name-too-contract" is not a valid entity name/,
      );
      expect(fs.readdirSync(workspace.path)).toEqual([]);
    });
  });
});
