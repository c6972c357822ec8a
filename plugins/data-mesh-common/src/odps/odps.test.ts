import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { formatProblems, Problem } from '../validation/problems';
import {
  DataProductEntityV1alpha1,
  ODPS_ID_ANNOTATION,
  isValidDataProductEntity,
} from '../kinds';
import {
  ODPS_DEFAULTED_ANNOTATION,
  exportOdpsDocument,
  importOdpsDocument,
  odpsNameToEntityName,
  validateOdpsDocument,
} from '.';
import odpsSchemaV100 from './odps-json-schema-v1.0.0.json';

const options = {
  defaultOwner: 'group:data-platform',
  defaultDomain: 'unassigned',
};

function fixture(name: string): JsonObject {
  return parse(
    fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8'),
  );
}

const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validateV100 = ajv.compile(odpsSchemaV100);

/** Exports, checking the result against the official v1.0.0 schema. */
function exportValid(entity: DataProductEntityV1alpha1): JsonObject {
  const doc = exportOdpsDocument(entity);
  expect(validateV100(doc) ? [] : validateV100.errors).toEqual([]);
  expect(validateOdpsDocument(doc)).toEqual({
    valid: true,
    structure: 'v1.0.0',
    errors: [],
  });
  expect(JSON.stringify(doc)).not.toMatch(/null|\[\]|\{\}/);
  return doc;
}

/** Imports, checking the result is a valid DataProduct entity. */
function importValid(
  doc: unknown,
  opts: Parameters<typeof importOdpsDocument>[1] = options,
): DataProductEntityV1alpha1 {
  const entity = importOdpsDocument(doc, opts);
  expect(isValidDataProductEntity(entity)).toBe(true);
  return entity;
}

function importError(doc: unknown): Error {
  try {
    importOdpsDocument(doc, options);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the import to fail');
}

function minimal(extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'v1.0.0',
    kind: 'DataProduct',
    id: 'f6c5c8e4-0000-4000-8000-000000000001',
    name: 'Minimal Product',
    status: 'active',
    ...extra,
  };
}

function withoutKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    return value.map(item => withoutKey(item, key));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== key)
        .map(([k, v]) => [k, withoutKey(v, key)]),
    );
  }
  return value;
}

describe('ODPS v1.0.0 examples', () => {
  it.each([
    'v1.0.0/customer-data-product.odps.yaml',
    'v1.0.0/simple-data-product.odps.yaml',
  ])('%s exports back unchanged', name => {
    const doc = fixture(name);
    expect(validateOdpsDocument(doc)).toEqual({
      valid: true,
      structure: 'v1.0.0',
      errors: [],
    });
    const entity = importValid(doc);
    expect(exportValid(entity)).toEqual(doc);
    // and the entity survives a second trip
    expect(importValid(exportOdpsDocument(entity))).toEqual(entity);
  });

  it('maps the customer example onto the kind', () => {
    const entity = importValid(
      fixture('v1.0.0/customer-data-product.odps.yaml'),
      { ...options, namespace: 'retail' },
    );
    expect(entity.metadata).toEqual({
      name: 'customer-data-product',
      namespace: 'retail',
      title: 'Customer Data Product',
      description: 'Enterprise view of a customer.',
      tags: ['customer'],
      annotations: {
        [ODPS_ID_ANNOTATION]: 'fbe8d147-28db-4f1d-bedf-a3fe9f458427',
      },
    });
    const { spec } = entity;
    expect(spec.owner).toBe('group:data-team');
    expect(spec.domain).toBe('seller');
    expect(spec.status).toBe('draft');
    expect(spec.purpose).toBe('Enterprise view of a customer.');
    expect(spec.limitations).toBe('No known limitations.');
    expect(spec.inputPorts![0]).toEqual({
      name: 'payments',
      version: '1.0.0',
      contractId: 'dbb7b1eb-7628-436e-8914-2a00638ba6db',
    });
    expect(spec.outputPorts![0]).toEqual({
      name: 'rawtransactions',
      description: 'Raw Transactions',
      type: 'table',
      version: '1.0.0',
      contractId: 'c2798941-1b7e-4b03-9e0d-955b1a872b32',
      odps: { type: 'tables' },
    });
    // ODPS keys ports by name and version; the kind wants unique names
    expect(spec.inputPorts!.map(p => p.name)).toEqual([
      'payments',
      'payments-2.0.0',
      'onlinetransactions',
      'onlinetransactions-1.1.0',
    ]);
    expect(spec.inputPorts![1]).toEqual({
      name: 'payments-2.0.0',
      version: '2.0.0',
      contractId: 'dbb7b1eb-7628-436e-8914-2a00638ba6da',
      odps: { name: 'payments' },
    });
    expect(spec.outputPorts![1].name).toBe('rawtransactions-2.0.0');
    expect(spec.outputPorts![1].odps).toMatchObject({
      name: 'rawtransactions',
      type: 'tables',
      sbom: [{ type: 'external', url: 'https://mysbomserver/mysbom' }],
    });
    expect(spec.support![0]).toEqual({
      channel: 'Data Team Slack',
      url: 'https://retailcorp.slack.com/archives/C1234567890',
      description: 'Primary support channel for data product questions',
      tool: 'slack',
      scope: 'interactive',
    });
    expect(Object.keys(spec.odps!).sort()).toEqual([
      'apiVersion',
      'managementPorts',
      'productCreatedTs',
      'team',
      'tenant',
    ]);
    expect(spec.odps!.apiVersion).toBe('v0.9.0');
    expect((spec.odps!.team as JsonObject).members).toHaveLength(2);
  });

  it('fills a missing owner and domain from the defaults, annotates them and leaves them out of the export', () => {
    const doc = fixture('v1.0.0/simple-data-product.odps.yaml');
    const entity = importValid(doc);
    expect(entity.spec.owner).toBe('group:data-platform');
    expect(entity.spec.domain).toBe('unassigned');
    expect(entity.metadata.annotations![ODPS_DEFAULTED_ANNOTATION]).toBe(
      'owner,domain',
    );
    const exported = exportValid(entity);
    expect(exported).not.toHaveProperty('team');
    expect(exported).not.toHaveProperty('domain');
  });
});

describe('ODPS v0.9.0', () => {
  it('migrates the team list to team.members and defaults the owner', () => {
    const doc = fixture('v0.9.0/customer-data-product.odps.yaml');
    expect(validateOdpsDocument(doc)).toEqual({
      valid: true,
      structure: 'v0.9.0',
      errors: [],
    });
    const entity = importValid(doc);
    expect(entity.spec.owner).toBe('group:data-platform');
    expect(entity.spec.domain).toBe('seller');
    expect(entity.metadata.annotations![ODPS_DEFAULTED_ANNOTATION]).toBe(
      'owner',
    );
    expect(entity.spec.odps!.team).toEqual({ members: doc.team });
    expect(exportValid(entity)).toEqual({
      ...doc,
      team: { members: doc.team },
    });
  });
});

describe('ODPS v1.1.0', () => {
  it('imports the deprecation example and exports v1.0.0 without the v1.1.0 fields', () => {
    const doc = fixture('v1.1.0/deprecated-data-product.odps.yaml');
    expect(validateOdpsDocument(doc)).toEqual({
      valid: true,
      structure: 'v1.1.0',
      errors: [],
    });
    const entity = importValid(doc);
    expect(entity.spec.inputPorts![0].deprecated).toBe(true);
    expect(entity.spec.outputPorts!.map(p => [p.type, p.deprecated])).toEqual([
      ['file', true],
      ['table', undefined],
    ]);
    expect(entity.spec.outputPorts![0]).not.toHaveProperty('odps');
    expect(entity.spec.odps!.apiVersion).toBe('v1.1.0');
    expect(entity.metadata.annotations![ODPS_DEFAULTED_ANNOTATION]).toBe(
      'owner,domain',
    );
    expect(exportValid(entity)).toEqual({
      ...(withoutKey(doc, 'deprecated') as JsonObject),
      apiVersion: 'v1.0.0',
    });
  });

  it('maps the product type and keeps context, synonyms and the product deprecation', () => {
    const context = { instructions: 'Use the orders port.' };
    const synonyms = [{ synonym: 'Order book' }];
    const doc = minimal({
      apiVersion: 'v1.1.0',
      type: 'consumerAligned',
      deprecated: true,
      context,
      synonyms,
      outputPorts: [
        { name: 'orders', version: '1.0.0', type: 'table', context, synonyms },
      ],
    });
    const entity = importValid(doc);
    expect(entity.spec.type).toBe('consumer-aligned');
    expect(entity.spec.odps).toEqual({
      apiVersion: 'v1.1.0',
      deprecated: true,
      context,
      synonyms,
    });
    expect(entity.spec.outputPorts![0].odps).toEqual({ context, synonyms });
    expect(exportValid(entity)).toEqual(
      minimal({
        outputPorts: [{ name: 'orders', version: '1.0.0', type: 'table' }],
      }),
    );
  });

  it('checks the v1.1.0 additions and the v1.0.0 rules', () => {
    expect(
      validateOdpsDocument(
        minimal({
          apiVersion: 'v1.1.0',
          deprecated: 'yes',
          synonyms: [{}],
          inputPorts: [{ name: 'a', version: '1', contractId: 'c', extra: 1 }],
        }),
      ).errors,
    ).toEqual([
      {
        field: 'inputPorts[0].extra',
        message:
          'is not a known field (known: name, version, contractId, tags, customProperties, authoritativeDefinitions, deprecated)',
      },
      { field: 'deprecated', message: 'must be a boolean, got "yes"' },
      { field: 'synonyms[0].synonym', message: 'is required' },
    ]);
  });
});

describe('mapping details', () => {
  it('keeps slug originals, odd tags and missing port types so the export is lossless', () => {
    const doc = minimal({
      domain: 'Seller Domain',
      team: { name: 'Data Team (EMEA)' },
      tags: ['Customer Data', 'pii'],
      outputPorts: [{ name: 'dump', version: '1.0.0' }],
    });
    const entity = importValid(doc);
    expect(entity.spec.domain).toBe('seller-domain');
    expect(entity.spec.owner).toBe('group:data-team-emea');
    expect(entity.metadata.tags).toBeUndefined();
    expect(entity.spec.odps).toEqual({
      domain: 'Seller Domain',
      team: { name: 'Data Team (EMEA)' },
      tags: ['Customer Data', 'pii'],
    });
    expect(entity.spec.outputPorts).toEqual([
      { name: 'dump', type: 'other', version: '1.0.0', odps: { type: null } },
    ]);
    const exported = exportValid(entity);
    expect(exported).toEqual(doc);
    expect(exported.outputPorts).toEqual([{ name: 'dump', version: '1.0.0' }]);
  });

  it('maps ODPS output port types onto the kind', () => {
    const types = [
      'tables',
      'View',
      'topic',
      'files',
      'rest',
      'apis',
      'dashboards',
      'models',
      'parquet',
    ];
    const doc = minimal({
      outputPorts: types.map((type, i) => ({
        name: `p${i}`,
        version: '1',
        type,
      })),
    });
    const entity = importValid(doc);
    expect(entity.spec.outputPorts!.map(p => p.type)).toEqual([
      'table',
      'view',
      'topic',
      'file',
      'api',
      'api',
      'dashboard',
      'model',
      'other',
    ]);
    expect(entity.spec.outputPorts![2]).not.toHaveProperty('odps');
    expect(exportValid(entity)).toEqual(doc);
  });

  it('names the entity after the id when there is no name, and exports no name', () => {
    const { name, ...doc } = minimal({ id: 'Sales:Orders/2024' });
    const entity = importValid(doc);
    expect(entity.metadata.name).toBe('sales-orders-2024');
    expect(entity.metadata.title).toBeUndefined();
    expect(exportValid(entity)).toEqual(doc);
  });

  it('keeps empty lists and descriptions the document had', () => {
    const doc = minimal({
      version: '',
      description: {},
      tags: [],
      inputPorts: [],
      outputPorts: [],
      support: [],
      customProperties: [],
    });
    const entity = importValid(doc);
    expect(entity.spec).not.toHaveProperty('version');
    expect(entity.spec).not.toHaveProperty('inputPorts');
    const exported = exportOdpsDocument(entity);
    expect(validateV100(exported)).toBe(true);
    expect(exported).toEqual(doc);
  });

  it('keeps description extras and port extras', () => {
    const doc = minimal({
      description: {
        purpose: 'Orders',
        authoritativeDefinitions: [
          { type: 'tutorial', url: 'https://example.com/t' },
        ],
      },
      support: [
        {
          channel: 'orders',
          url: 'https://chat.example.com/orders',
          invitationUrl: 'https://chat.example.com/join',
        },
      ],
    });
    const entity = importValid(doc);
    expect(entity.spec.purpose).toBe('Orders');
    expect(entity.spec.support![0].odps).toEqual({
      invitationUrl: 'https://chat.example.com/join',
    });
    expect(exportValid(entity)).toEqual(doc);
  });

  it('makes repeated port names unique and exports the ODPS names', () => {
    const port = (version: string, extra: JsonObject = {}) => ({
      name: 'orders',
      version,
      type: 'tables',
      ...extra,
    });
    const doc = minimal({
      outputPorts: [
        port('1.0.0'),
        port('v2 (beta)'),
        port('v2 (beta)'),
        { name: 'orders-v2-beta', version: '9', type: 'table' },
        port(''),
      ],
    });
    const entity = importValid(doc);
    expect(entity.spec.outputPorts!.map(p => p.name)).toEqual([
      'orders',
      'orders-2',
      'orders-3',
      'orders-v2-beta',
      'orders-4',
    ]);
    expect(exportValid(entity)).toEqual(doc);
  });

  it('slugs names into entity names', () => {
    expect(odpsNameToEntityName('Customer Data Product')).toBe(
      'customer-data-product',
    );
    expect(odpsNameToEntityName('  Café -- Ventes  ')).toBe('cafe-ventes');
    expect(odpsNameToEntityName('!!!')).toBe('');
    expect(odpsNameToEntityName(`${'a'.repeat(62)} b`)).toBe('a'.repeat(62));
  });
});

describe('native DataProduct entities', () => {
  const native: DataProductEntityV1alpha1 = {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'customer-orders',
      namespace: 'sales',
      title: 'Customer Orders',
      description: 'Orders per customer, cleaned and deduplicated',
      tags: ['orders'],
    },
    spec: {
      owner: 'group:sales/sales-data',
      domain: 'sales',
      status: 'active',
      type: 'source-aligned',
      version: '1.2.0',
      usage: 'Join on customer_id.',
      classification: 'confidential',
      personalData: true,
      inputPorts: [
        {
          name: 'order-events',
          dataProduct: 'order-events',
          outputPort: 'events',
          contract: 'order-events-contract',
        },
        {
          name: 'customers',
          dataProduct: 'customer-master',
          version: '2.0.0',
          contractId: 'customers-v2',
          contract: 'customers-contract',
        },
      ],
      outputPorts: [
        {
          name: 'orders',
          type: 'table',
          version: '1.0.0',
          description: 'One row per order',
          contract: 'customer-orders-contract',
          contractId: 'customer-orders-v1',
          deprecated: false,
        },
        { name: 'draft', type: 'view' },
      ],
      slos: { freshness: 'PT24H', availability: 99.9 },
      support: [
        {
          channel: 'chat',
          url: 'https://chat.example.com/sales-data',
          tool: 'slack',
        },
        { channel: 'desk' },
      ],
    },
  };

  it('exports valid ODPS with what ODPS has a place for', () => {
    expect(isValidDataProductEntity(native)).toBe(true);
    expect(exportValid(native)).toEqual({
      apiVersion: 'v1.0.0',
      kind: 'DataProduct',
      id: 'sales/customer-orders',
      name: 'Customer Orders',
      version: '1.2.0',
      status: 'active',
      domain: 'sales',
      description: {
        purpose: 'Orders per customer, cleaned and deduplicated',
        usage: 'Join on customer_id.',
      },
      tags: ['orders'],
      inputPorts: [
        { name: 'customers', version: '2.0.0', contractId: 'customers-v2' },
      ],
      outputPorts: [
        {
          name: 'orders',
          description: 'One row per order',
          type: 'table',
          version: '1.0.0',
          contractId: 'customer-orders-v1',
        },
      ],
      support: [
        {
          channel: 'chat',
          url: 'https://chat.example.com/sales-data',
          tool: 'slack',
        },
      ],
      team: { name: 'sales-data' },
    });
  });

  it('uses the uid as id, the name when there is no title, and leaves out what is empty', () => {
    const exported = exportValid({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'bare', uid: '9b1c7c1e-uid' },
      spec: {
        owner: 'sales-data',
        domain: 'domain:default/sales',
        status: 'draft',
        inputPorts: [],
        outputPorts: [],
        support: [],
        odps: {},
      },
    });
    expect(exported).toEqual({
      apiVersion: 'v1.0.0',
      kind: 'DataProduct',
      id: '9b1c7c1e-uid',
      name: 'bare',
      status: 'draft',
      domain: 'sales',
      team: { name: 'sales-data' },
    });
  });
});

describe('invalid documents', () => {
  it.each<[string, unknown, string]>([
    [
      'an unknown status',
      minimal({ status: 'live' }),
      'Invalid ODPS document: status: must be one of proposed, draft, active, deprecated, retired, got "live"',
    ],
    [
      'a missing id',
      { apiVersion: 'v1.0.0', kind: 'DataProduct', status: 'active' },
      'Invalid ODPS document: id: is required',
    ],
    [
      'an output port without version',
      minimal({ outputPorts: [{ name: 'orders', type: 'tables' }] }),
      'Invalid ODPS document: outputPorts[0].version: is required',
    ],
    [
      'an invalid port name',
      minimal({
        inputPorts: [
          { name: 'payments', version: '1', contractId: 'a' },
          { name: 'refunds', version: '1', contractId: 'b' },
          { name: 'online transactions', version: '1', contractId: 'c' },
        ],
      }),
      'Invalid ODPS document: inputPorts[2].name: must be letters and digits separated by single - _ or ., at most 63 characters, got "online transactions"',
    ],
    [
      'a repeated invalid port name',
      minimal({
        outputPorts: [
          { name: 'raw data', version: '1' },
          { name: 'raw data', version: '2' },
        ],
      }),
      'Invalid ODPS document: outputPorts[0].name: must be letters and digits separated by single - _ or ., at most 63 characters, got "raw data"; outputPorts[1].name: must be letters and digits separated by single - _ or ., at most 63 characters, got "raw data"',
    ],
    [
      'an array',
      [minimal()],
      'Invalid ODPS document: must be an object, got an array',
    ],
    ['null', null, 'Invalid ODPS document: must be an object, got null'],
    [
      'a string',
      'kind: DataProduct',
      'Invalid ODPS document: must be an object, got "kind: DataProduct"',
    ],
    [
      'another kind',
      { apiVersion: 'v3.0.2', kind: 'DataContract', id: 'x', status: 'active' },
      'Invalid ODPS document: kind: must be DataProduct, got "DataContract"',
    ],
    [
      'an unsupported apiVersion',
      minimal({ apiVersion: 'v2.0.0' }),
      'Invalid ODPS document: apiVersion: must be one of v0.9.0, v1.0.0, v1.1.0, got "v2.0.0"',
    ],
    [
      'several problems',
      minimal({
        status: 1,
        tenant: 2,
        productCreatedTs: 'yesterday',
        support: [{ channel: 'chat' }],
        surprise: true,
      }),
      'Invalid ODPS document: surprise: is not a known field (known: apiVersion, kind, id, name, version, status, domain, tenant, authoritativeDefinitions, description, customProperties, tags, inputPorts, outputPorts, managementPorts, support, team, productCreatedTs); status: must be a string, got 1; tenant: must be a string, got 2; support[0].url: is required; productCreatedTs: must be a valid date-time, got "yesterday"',
    ],
    [
      'a v1.0.0 document with a team list',
      minimal({ team: [{ username: 'jdoe' }] }),
      'Invalid ODPS document: team: must be an object, got an array',
    ],
  ])('refuses %s', (_, doc, message) => {
    const error = importError(doc);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(message);
    // The message is made of the problems the error carries.
    const { problems } = error as Error & { problems: Problem[] };
    expect(`Invalid ODPS document: ${formatProblems(problems)}`).toBe(message);
  });

  it('carries the problems of the entity the document would make', () => {
    let error: unknown;
    try {
      importOdpsDocument(minimal(), { ...options, defaultOwner: 'group:' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      message:
        'ODPS document "f6c5c8e4-0000-4000-8000-000000000001" does not make a valid DataProduct: spec.owner: "group:" is not a valid entity reference',
      problems: [
        {
          field: 'spec.owner',
          message: '"group:" is not a valid entity reference',
        },
      ],
    });
  });
});
