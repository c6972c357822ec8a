import fs from 'fs';
import path from 'path';
import {
  contractColumnNames,
  MAX_CONTRACT_BYTES,
  parseOdcsContract,
  validateOdcsContract,
} from '.';

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

function problemsOf(document: unknown): string {
  try {
    validateOdcsContract(document);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return (error as Error).message;
  }
  throw new Error('The document was accepted');
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
    expect(problemsOf({ ...minimal, version: 3 })).toBe(
      'The contract is not a valid ODCS contract: version: 3 is a number, expected a string',
    );
    expect(
      problemsOf({
        ...minimal,
        schema: [{ name: 'orders', properties: 'order_id' }],
      }),
    ).toBe(
      'The contract is not a valid ODCS contract: schema[0].properties: "order_id" is a string, expected an array',
    );
    expect(
      parseProblemOf(
        'apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 3\nstatus: active\n',
      ),
    ).toBe(
      'The contract is not a valid ODCS contract: version: 3 is a number, expected a string',
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
    ).toBe(
      [
        'The contract is not a valid ODCS contract: version: is required',
        'colour: is not a known field (known: version, kind, apiVersion, id, name, tenant, tags, status, servers, dataProduct, description, domain, schema, support, price, team, roles, slaDefaultElement, slaProperties, authoritativeDefinitions, customProperties, contractCreatedTs)',
        'schema[0].properties[1].logicalType: "money" is not one of string, date, timestamp, time, number, integer, object, array, boolean',
      ].join('; '),
    );
  });

  it('gives one message where the schema offers alternatives', () => {
    // SLA values: any of several plain types.
    expect(
      problemsOf({
        ...minimal,
        slaProperties: [{ property: 'latency', value: { days: 4 } }],
      }),
    ).toBe(
      'The contract is not a valid ODCS contract: slaProperties[0].value: is an object, expected a string, a number, a boolean or null',
    );
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
    ).toBe(
      'The contract is not a valid ODCS contract: schema[0].quality[0]: has mustBe and mustNotBe, only one of them is allowed',
    );
    // The team: an object, or (before v3.1.0) a list of members.
    expect(problemsOf({ ...minimal, team: 'sales-data' })).toBe(
      'The contract is not a valid ODCS contract: team: "sales-data" is a string, expected an object or an array',
    );
    expect(
      problemsOf({ ...minimal, team: { members: [{ username: 7 }] } }),
    ).toBe(
      'The contract is not a valid ODCS contract: team.members[0].username: 7 is a number, expected a string',
    );
  });

  it('refuses a document that is not an object', () => {
    expect(problemsOf('hello')).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is a string',
    );
    expect(problemsOf([])).toBe(
      'The contract must be an object with fields such as apiVersion, kind, id and version, but it is a list',
    );
    expect(problemsOf(null)).toBe(
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
