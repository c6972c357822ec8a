import { createMockDirectory } from '@backstage/backend-test-utils';
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

    await expect(action.handler(ctx)).rejects.toThrow(
      /descriptor is invalid: .*outputPorts/,
    );
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
});
