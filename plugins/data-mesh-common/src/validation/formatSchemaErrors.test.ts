import Ajv from 'ajv';
import { formatSchemaErrors } from './formatSchemaErrors';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    size: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
    'odd key': { type: 'boolean' },
  },
};

function errorsOf(ajv: Ajv, data: unknown) {
  const validate = ajv.compile(schema);
  expect(validate(data)).toBe(false);
  return validate.errors;
}

describe('formatSchemaErrors', () => {
  const data = {
    code: 'abcd',
    size: true,
    tags: [1],
    'odd key': 'yes',
    extra: 1,
  };
  const expected = [
    'extra: is not a known field (known: name, code, size, tags, odd key)',
    'name: is required',
    'code: "abcd" does not match ^[A-Z]{3}$',
    'size: true is a boolean, expected a number or a string',
    'tags[0]: 1 is a number, expected a string',
    'tags: has 1 item, expected at least 2',
    '["odd key"]: "yes" is a string, expected a boolean',
  ];

  it('describes the errors of a verbose Ajv', () => {
    const ajv = new Ajv({ allErrors: true, verbose: true });
    const messages = formatSchemaErrors(errorsOf(ajv, data), { schema });
    expect([...messages].sort()).toEqual([...expected].sort());
  });

  it('takes the values from the data without the verbose option', () => {
    const ajv = new Ajv({ allErrors: true });
    const messages = formatSchemaErrors(errorsOf(ajv, data), { data, schema });
    expect(messages).toContain('code: "abcd" does not match ^[A-Z]{3}$');
    expect(messages).toContain('tags[0]: 1 is a number, expected a string');
    expect(messages).toContain(
      'size: true is a boolean, expected a number or a string',
    );
    expect(messages).toContain(
      'extra: is not a known field (known: name, code, size, tags, odd key)',
    );
  });

  it('puts a prefix before paths and names the root', () => {
    const ajv = new Ajv({ allErrors: true, verbose: true });
    expect(
      formatSchemaErrors(errorsOf(ajv, { name: '' }), { pathPrefix: 'spec' }),
    ).toEqual(['spec.name: must not be empty']);
    expect(
      formatSchemaErrors(errorsOf(ajv, 'x'), { rootLabel: 'body' }),
    ).toEqual(['body: "x" is a string, expected an object']);
  });

  it('returns nothing for no errors', () => {
    expect(formatSchemaErrors(null)).toEqual([]);
  });
});
