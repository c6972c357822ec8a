import fc from 'fast-check';
import { JsonObject } from '@backstage/types';
import { DATA_PRODUCT_STATUSES, isValidDataProductEntity } from '../kinds';
import {
  exportOdpsDocument,
  importOdpsDocument,
  validateOdpsDocument,
} from '.';

const options = {
  defaultOwner: 'group:data-platform',
  defaultDomain: 'unassigned',
};

function importOutcome(doc: unknown) {
  try {
    return { entity: importOdpsDocument(doc, options) };
  } catch (error) {
    return { error: error as Error };
  }
}

// A path such as `outputPorts[0].version` or `description[" "]`.
const PATH =
  /([A-Za-z_$][\w$-]*|\["([^"\\]|\\.)*"\])(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["([^"\\]|\\.)*"\])*/
    .source;
// `Invalid ODPS document: <path>: ...` or `ODPS document "<id>" does not make a valid DataProduct: spec...: ...`.
const NAMES_A_FIELD = new RegExp(
  `^(Invalid ODPS document: (must be an object, got|${PATH}: )|ODPS document .* does not make a valid DataProduct: (spec|metadata)[.[]${PATH}: )`,
);

function expectFieldError(error: Error | undefined) {
  expect(error).toBeDefined();
  expect(error!.name).toBe('InputError');
  expect(error!.message).toMatch(NAMES_A_FIELD);
  // The problems travel as a list, each with its field and what is wrong.
  const { problems } = error as Error & { problems?: unknown };
  expect(problems).toEqual(
    expect.arrayContaining([
      { field: expect.any(String), message: expect.stringMatching(/\S/) },
    ]),
  );
}

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}$/);
/** Names as people write them: words, accents, punctuation, sometimes nothing usable. */
const humanName = fc.oneof(
  slug,
  fc
    .array(
      fc.constantFrom('Customer', 'Orders', 'Ünïcode', 'B2B', '&', '2026'),
      {
        minLength: 1,
        maxLength: 4,
      },
    )
    .map(words => words.join(' ')),
  fc.string({ maxLength: 12 }),
);
const version = fc.constantFrom('1.0.0', '2.1.0', 'v3', '0.1.0-beta');
const tags = fc.array(fc.oneof(slug, fc.string({ maxLength: 6 })), {
  maxLength: 3,
});
const customProperties = fc.array(
  fc.record({ property: slug, value: fc.jsonValue({ maxDepth: 2 }) }),
  { maxLength: 2 },
);
const portName = fc.oneof(
  { weight: 5, arbitrary: slug },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const inputPort = fc.record(
  { name: portName, version, contractId: slug, tags, customProperties },
  { requiredKeys: ['name', 'version', 'contractId'] },
);
const outputPort = fc.record(
  {
    name: portName,
    description: fc.string({ maxLength: 20 }),
    type: fc.constantFrom('tables', 'table', 'topic', 'rest', 'Files', 'odd'),
    version,
    contractId: slug,
    tags,
  },
  { requiredKeys: ['name', 'version'] },
);
const support = fc.record(
  {
    channel: fc.oneof(slug, fc.constant('')),
    url: fc.webUrl(),
    description: fc.string({ maxLength: 10 }),
    tool: fc.constantFrom('slack', 'email', 'teams'),
    scope: fc.constantFrom('interactive', 'issues'),
  },
  { requiredKeys: ['channel', 'url'] },
);
const team = fc.record(
  {
    name: humanName,
    description: fc.string({ maxLength: 10 }),
    members: fc.array(
      fc.record(
        { username: slug, name: humanName, role: fc.constantFrom('owner') },
        { requiredKeys: ['username'] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

/** ODPS v1.0.0 documents valid against the official schema, with every top-level field. */
const odpsDocument = fc.record(
  {
    apiVersion: fc.constant('v1.0.0'),
    kind: fc.constant('DataProduct'),
    id: fc.oneof(fc.uuid(), slug, humanName),
    name: humanName,
    version: fc.oneof(version, fc.constant('')),
    status: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...DATA_PRODUCT_STATUSES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    domain: humanName,
    tenant: slug,
    description: fc.record(
      {
        purpose: fc.string({ maxLength: 30 }),
        limitations: fc.string({ maxLength: 10 }),
        usage: fc.string({ maxLength: 10 }),
        customProperties,
      },
      { requiredKeys: [] },
    ),
    customProperties,
    tags,
    inputPorts: fc.array(inputPort, { maxLength: 3 }),
    outputPorts: fc.array(outputPort, { maxLength: 3 }),
    support: fc.array(support, { maxLength: 2 }),
    team,
    productCreatedTs: fc.constantFrom('2026-01-15T12:00:00Z'),
  },
  { requiredKeys: ['apiVersion', 'kind', 'id', 'status'] },
);

describe('ODPS import and export, on generated documents', () => {
  it('generates documents the official schema accepts', () => {
    fc.assert(
      fc.property(odpsDocument, doc => {
        expect(validateOdpsDocument(doc).errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('imports each valid document as a valid DataProduct that exports back unchanged, or names the field it cannot map', () => {
    fc.assert(
      fc.property(odpsDocument, doc => {
        const { entity, error } = importOutcome(doc);
        if (error) {
          expectFieldError(error);
          return;
        }
        expect(isValidDataProductEntity(entity)).toBe(true);
        expect(exportOdpsDocument(entity!)).toEqual(doc);
      }),
      {
        numRuns: 800,
        // Found by this property: an empty team was left out of the export.
        examples: [
          [
            {
              apiVersion: 'v1.0.0',
              kind: 'DataProduct',
              id: '00000000-0000-1000-8000-000000000000',
              status: 'proposed',
              team: {},
            },
          ],
        ],
      },
    );
  });

  it('imports every document with a known status and usable port names', () => {
    const importable = odpsDocument.filter(
      doc =>
        (DATA_PRODUCT_STATUSES as readonly string[]).includes(
          doc.status as string,
        ) &&
        /[a-z0-9]/i.test(`${doc.name ?? doc.id}`) &&
        [...(doc.inputPorts ?? []), ...(doc.outputPorts ?? [])].every(port =>
          /^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}$/.test(port.name),
        ) &&
        (doc.support ?? []).every(s => s.channel !== ''),
    );
    fc.assert(
      fc.property(importable, doc => {
        expect(importOutcome(doc).error).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('answers any JSON under ODPS field names with an entity or an InputError naming a field', () => {
    const field = fc.constantFrom(
      'apiVersion',
      'kind',
      'id',
      'name',
      'status',
      'domain',
      'team',
      'tags',
      'inputPorts',
      'outputPorts',
      'support',
      'description',
      'managementPorts',
    );
    const mangled = fc
      .tuple(
        odpsDocument,
        fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
      )
      .map(([doc, overrides]) => ({ ...doc, ...overrides } as JsonObject));
    fc.assert(
      fc.property(
        fc.oneof(
          mangled,
          fc.jsonValue({ maxDepth: 3 }),
          fc.constant(JSON.parse('{"__proto__": {"apiVersion": "v1.0.0"}}')),
        ),
        doc => {
          const { entity, error } = importOutcome(doc);
          const answer = error
            ? `${error.name}: ${error.message}`
            : `valid: ${isValidDataProductEntity(entity)}`;
          expect(answer).toMatch(
            new RegExp(
              `^(valid: true|InputError: ${NAMES_A_FIELD.source.slice(1)})`,
            ),
          );
        },
      ),
      {
        numRuns: 1000,
        // Found by this property: a field named " " was reported as `description. `.
        examples: [
          [
            {
              apiVersion: 'v1.0.0',
              kind: 'DataProduct',
              id: 'x',
              status: 'proposed',
              description: { ' ': false },
            },
          ],
        ],
      },
    );
  });
});
