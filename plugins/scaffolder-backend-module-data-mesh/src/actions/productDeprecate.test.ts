import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { isValidDataProductEntity } from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import YAML from 'yaml';
import { createProductDeprecateAction } from './productDeprecate';

/** A product as the catalog serves it: with uid, etag, location annotations and relations. */
const stored: Entity = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'customer-orders',
    namespace: 'default',
    uid: '6a0b9bde-0f44-4f61-9a4e-3a2b1c0d9e8f',
    etag: 'abc',
    title: 'Customer Orders',
    tags: ['orders'],
    annotations: {
      'backstage.io/managed-by-location':
        'file:/repos/orders/catalog-info.yaml',
      'backstage.io/managed-by-origin-location':
        'file:/repos/orders/catalog-info.yaml',
      'backstage.io/view-url': 'file:/repos/orders/catalog-info.yaml',
      'datamesh-portal.io/odps-id': 'f0e1',
    },
  },
  spec: {
    owner: 'group:sales-data',
    domain: 'sales',
    status: 'active',
    outputPorts: [{ name: 'orders', type: 'table', contract: 'orders-api' }],
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/sales-data' }],
};

const retired: Entity = {
  ...stored,
  metadata: { name: 'old-orders', namespace: 'default' },
  spec: { ...stored.spec, status: 'retired' },
};

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', namespace: 'default' },
  spec: { type: 'service', owner: 'group:sales-data', lifecycle: 'production' },
};

describe('data-mesh:product:deprecate', () => {
  const workspace = createMockDirectory();
  const action = createProductDeprecateAction({
    catalog: catalogServiceMock({ entities: [stored, retired, component] }),
    auth: mockServices.auth(),
    now: () => new Date('2026-01-15T10:00:00Z'),
  });

  beforeEach(() => workspace.clear());

  function run(input: Record<string, unknown>) {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    return { ctx, done: action.handler(ctx) };
  }

  it('writes the descriptor marked deprecated, as its author would', async () => {
    const { ctx, done } = run({
      entityRef: 'dataproduct:default/customer-orders',
      sunset: '2026-06-30',
      replacedBy: 'dataproduct:default/customer-orders-v2',
    });
    await done;

    const text = fs.readFileSync(
      workspace.resolve('catalog-info.yaml'),
      'utf8',
    );
    const written = YAML.parse(text);
    expect(isValidDataProductEntity(written)).toBe(true);
    expect(written).toEqual({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'customer-orders',
        title: 'Customer Orders',
        tags: ['orders'],
        annotations: { 'datamesh-portal.io/odps-id': 'f0e1' },
      },
      spec: {
        owner: 'group:sales-data',
        domain: 'sales',
        status: 'deprecated',
        outputPorts: [
          { name: 'orders', type: 'table', contract: 'orders-api' },
        ],
        deprecation: { sunset: '2026-06-30', replacedBy: 'customer-orders-v2' },
      },
    });
    expect(ctx.output).toHaveBeenCalledWith('descriptor', text);
    expect(ctx.output).toHaveBeenCalledWith('entity', written);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'dataproduct:default/customer-orders',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'sourceLocation',
      'file:/repos/orders/catalog-info.yaml',
    );
  });

  it('refuses a sunset in the past or not a date, and writes nothing', async () => {
    await expect(
      run({ entityRef: 'customer-orders', sunset: '2025-12-31' }).done,
    ).rejects.toThrow(
      'sunset: 2025-12-31 is in the past; choose today (2026-01-15) or a later date',
    );
    await expect(
      run({ entityRef: 'customer-orders', sunset: 'next year' }).done,
    ).rejects.toMatchObject({
      message:
        'The deprecated descriptor is invalid: spec.deprecation.sunset: must be a date such as 2027-06-30, got "next year"',
      problems: [
        {
          field: 'spec.deprecation.sunset',
          message: 'must be a date such as 2027-06-30, got "next year"',
        },
      ],
    });
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it('refuses what cannot be deprecated', async () => {
    await expect(
      run({ entityRef: 'dataproduct:default/nothing', sunset: '2026-06-30' })
        .done,
    ).rejects.toThrow(
      'entityRef: no entity dataproduct:default/nothing in the catalog',
    );
    await expect(
      run({ entityRef: 'component:orders-service', sunset: '2026-06-30' }).done,
    ).rejects.toThrow(
      'entityRef: component:default/orders-service is not a DataProduct',
    );
    await expect(
      run({ entityRef: 'old-orders', sunset: '2026-06-30' }).done,
    ).rejects.toThrow(/is retired already/);
    await expect(
      run({
        entityRef: 'customer-orders',
        sunset: '2026-06-30',
        replacedBy: 'dataproduct:default/customer-orders',
      }).done,
    ).rejects.toThrow('replacedBy: a product cannot be replaced by itself');
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });
});
