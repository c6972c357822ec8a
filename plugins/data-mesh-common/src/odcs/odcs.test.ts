import fs from 'fs';
import path from 'path';
import {
  contractColumnNames,
  MAX_CONTRACT_BYTES,
  parseOdcsContract,
  validateOdcsContract,
} from '.';
import { MAX_PROBLEMS, Problem } from '../validation/problems';

function findFiles(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return findFiles(file, pattern);
      return pattern.test(file) ? [file] : [];
    })
    .sort();
}

/** The official examples, vendored from bitol-io/open-data-contract-standard. */
const officialExamples = findFiles(
  path.join(__dirname, '__fixtures__', 'examples'),
  /\.odcs\.yaml$/,
);

/** The contracts of the example organisations of this repository. */
const portalContracts = findFiles(
  path.resolve(__dirname, '../../../../examples'),
  /[\\/]contracts[\\/][^\\/]+\.odcs\.yaml$/,
);

const relative = (file: string) => path.relative(__dirname, file);

/** A minimal valid contract. */
const minimal = {
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'orders-contract',
  version: '1.0.0',
  status: 'active',
};

function errorOf(document: unknown): Error & { problems?: Problem[] } {
  try {
    validateOdcsContract(document);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return error as Error & { problems?: Problem[] };
  }
  throw new Error('The document was accepted');
}

function messageOf(document: unknown): string {
  return errorOf(document).message;
}

/** The schema problems of a document, each as `field: message`; the message joins them. */
function problemsOf(document: unknown): string[] {
  const { message, problems = [] } = errorOf(document);
  const lines = problems.map(p =>
    p.field ? `${p.field}: ${p.message}` : p.message,
  );
  expect(message).toBe(
    `The contract is not a valid ODCS contract: ${lines.join('; ')}`,
  );
  return lines;
}

function parseProblemOf(text: string): string {
  try {
    parseOdcsContract(text);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return (error as Error).message;
  }
  throw new Error('The text was accepted');
}

describe('ODCS contracts', () => {
  it('finds the official examples and the portal contracts', () => {
    expect(officialExamples.length).toBe(18);
    expect(portalContracts.length).toBeGreaterThan(0);
  });

  it.each(officialExamples.map(relative))(
    'accepts the official example %s',
    file => {
      const contract = parseOdcsContract(
        fs.readFileSync(path.join(__dirname, file), 'utf8'),
      );
      expect(contract.kind).toBe('DataContract');
      expect(typeof contract.id).toBe('string');
    },
  );

  it.each(portalContracts.map(relative))(
    'accepts the portal contract %s',
    file => {
      const contract = parseOdcsContract(
        fs.readFileSync(path.join(__dirname, file), 'utf8'),
      );
      expect(contract.apiVersion).toMatch(/^v3\./);
    },
  );

  it('returns the document typed as a contract', () => {
    const contract = parseOdcsContract(`
apiVersion: v3.1.0
kind: DataContract
id: orders-contract
version: 1.0.0
status: active
schema:
  - name: orders
    properties:
      - name: order_id
        logicalType: string
        primaryKey: true
`);
    expect(contract.schema?.[0].properties?.[0]).toEqual({
      name: 'order_id',
      logicalType: 'string',
      primaryKey: true,
    });
  });

  it('names the path of a value of the wrong type', () => {
    expect(errorOf({ ...minimal, version: 3 }).problems).toEqual([
      { field: 'version', message: 'must be a string, got 3' },
    ]);
    expect(
      problemsOf({
        ...minimal,
        schema: [{ name: 'orders', properties: 'order_id' }],
      }),
    ).toEqual(['schema[0].properties: must be an array, got "order_id"']);
    expect(
      parseProblemOf(
        'apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 3\nstatus: active\n',
      ),
    ).toBe(
      'The contract is not a valid ODCS contract: version: must be a string, got 3',
    );
  });

  it('names nested paths and lists every problem', () => {
    expect(
      problemsOf({
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: 'x',
        status: 'active',
        colour: 'red',
        schema: [
          {
            name: 'orders',
            properties: [
              { name: 'id', logicalType: 'string' },
              { name: 'total', logicalType: 'money' },
            ],
          },
        ],
      }),
    ).toEqual([
      'version: is required',
      'colour: is not a known field (known: version, kind, apiVersion, id, name, tenant, tags, status, servers, dataProduct, description, domain, schema, support, price, team, roles, slaDefaultElement, slaProperties, authoritativeDefinitions, customProperties, contractCreatedTs)',
      'schema[0].properties[1].logicalType: must be one of string, date, timestamp, time, number, integer, object, array, boolean, got "money"',
    ]);
  });

  it('gives one message where the schema offers alternatives', () => {
    // SLA values: any of several plain types.
    expect(
      problemsOf({
        ...minimal,
        slaProperties: [{ property: 'latency', value: { days: 4 } }],
      }),
    ).toEqual([
      'slaProperties[0].value: must be a string, a number, a boolean or null, got an object',
    ]);
    // Quality operators: exactly one of them.
    expect(
      problemsOf({
        ...minimal,
        schema: [
          {
            name: 'orders',
            quality: [{ metric: 'rowCount', mustBe: 1, mustNotBe: 0 }],
          },
        ],
      }),
    ).toEqual([
      'schema[0].quality[0]: must have only one of mustBe, mustNotBe',
    ]);
    // The team: an object, or (before v3.1.0) a list of members.
    expect(problemsOf({ ...minimal, team: 'sales-data' })).toEqual([
      'team: must be an object or an array, got "sales-data"',
    ]);
    expect(
      problemsOf({ ...minimal, team: { members: [{ username: 7 }] } }),
    ).toEqual(['team.members[0].username: must be a string, got 7']);
  });

  it('tells a field of a failed branch from an unknown one, and names a forbidden field', () => {
    // A quality rule of type sql: its query is checked, not reported as unknown.
    expect(
      problemsOf({
        ...minimal,
        schema: [{ name: 'orders', quality: [{ type: 'sql', query: 5 }] }],
      }),
    ).toEqual([
      'schema[0].quality[0]: must have exactly one of mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, mustNotBeBetween',
      'schema[0].quality[0].query: must be a string, got 5',
    ]);
    expect(
      problemsOf({
        ...minimal,
        schema: [
          {
            name: 'orders',
            quality: [{ metric: 'rowCount', mustBe: 1, colour: 'red' }],
          },
        ],
      }),
    ).toEqual(['schema[0].quality[0].colour: is not a known field']);
    expect(
      problemsOf({
        ...minimal,
        schema: [
          {
            name: 'orders',
            properties: [
              {
                name: 'customer_id',
                relationships: [
                  { from: 'orders.customer_id', to: 'customers.id' },
                ],
              },
            ],
          },
        ],
      }),
    ).toEqual([
      'schema[0].properties[0].relationships[0].from: is not allowed here',
    ]);
  });

  it('reports a bounded list quickly for a hostile contract', () => {
    const huge = 'x'.repeat(1_000_000);
    const started = Date.now();
    const { problems = [] } = errorOf({
      ...minimal,
      version: 3,
      ...Object.fromEntries(
        Array.from({ length: 5_000 }, (_, i) => [
          `${huge.slice(0, 300)}${i}`,
          i,
        ]),
      ),
      schema: Array.from({ length: 2_000 }, () => ({
        name: huge,
        properties: [{ name: 'a', logicalType: huge }],
        quality: [{ type: 'sql', query: 5, mustBe: 1, mustNotBe: 2 }],
      })),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[MAX_PROBLEMS - 1].message).toMatch(
      /^and \d+ more problems$/,
    );
    for (const { field, message } of problems) {
      expect(field.length).toBeLessThanOrEqual(200);
      expect(message.length).toBeLessThanOrEqual(1000);
    }
  });

  it('refuses a document that is not an object', () => {
    expect(messageOf('hello')).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is a string',
    );
    expect(messageOf([])).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is a list',
    );
    expect(messageOf(null)).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is null',
    );
    expect(parseProblemOf('hello')).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is a string',
    );
    expect(parseProblemOf('- a\n- b\n')).toMatch(/but it is a list$/);
    expect(parseProblemOf('  \n')).toBe('The contract is empty');
  });

  it('names the line and column of bad YAML', () => {
    expect(
      parseProblemOf(
        'apiVersion: v3.1.0\nkind: DataContract\nid: [x, y\nversion: 1\n',
      ),
    ).toMatch(/^The contract is not valid YAML: line 4, column 1: /);
    expect(parseProblemOf('apiVersion: v3.1.0\napiVersion: v3.0.2\n')).toBe(
      'The contract is not valid YAML: line 2, column 1: Map keys must be unique',
    );
  });

  it('refuses a contract over the size limit before parsing it', () => {
    expect(MAX_CONTRACT_BYTES).toBe(2 * 1024 * 1024);
    // Not even YAML: the size alone decides.
    const text = `description: "${'x'.repeat(5 * 1024 * 1024)}`;
    const started = Date.now();
    expect(parseProblemOf(text)).toBe(
      'The contract is 5.0 MB, more than the 2.0 MB allowed',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts the size in bytes', () => {
    // 800,000 euro signs: under the limit in characters, 2.3 MB in UTF-8.
    expect(parseProblemOf('€'.repeat(800_000))).toBe(
      'The contract is 2.3 MB, more than the 2.0 MB allowed',
    );
  });
});

describe('contractColumnNames', () => {
  it('lists every column once, nested object and array item properties included', () => {
    expect(
      contractColumnNames({
        schema: [
          {
            name: 'orders',
            properties: [
              { name: 'order_id' },
              {
                name: 'customer',
                properties: [{ name: 'customer_id' }, { name: 'order_id' }],
              },
              { name: 'lines', items: { properties: [{ name: 'sku' }] } },
            ],
          },
          { name: 'refunds', properties: [{ name: 'refund_id' }] },
        ],
      } as any),
    ).toEqual([
      'order_id',
      'customer',
      'customer_id',
      'lines',
      'sku',
      'refund_id',
    ]);
  });

  it('skips what is not a named column', () => {
    expect(
      contractColumnNames({
        schema: [
          {
            name: 'a',
            properties: [{ name: '' }, 'text', { logicalType: 'x' }],
          },
          'not an object',
        ],
      } as any),
    ).toEqual([]);
    expect(contractColumnNames({} as any)).toEqual([]);
  });

  it('reads the columns of an official example', () => {
    const example = parseOdcsContract(
      fs.readFileSync(
        path.join(
          __dirname,
          '__fixtures__/examples/schema/table-column.odcs.yaml',
        ),
        'utf8',
      ),
    );
    expect(contractColumnNames(example)).toEqual(['rcvr_cntry_code']);
  });
});
