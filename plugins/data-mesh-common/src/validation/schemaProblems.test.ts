import Ajv from 'ajv';
import { ERROR_MESSAGE_KEYWORD, schemaProblems } from './schemaProblems';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    day: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      errorMessage: { pattern: 'must be a date such as 2027-06-30' },
    },
    size: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
    counts: { type: 'object', additionalProperties: { type: 'number' } },
    'odd key': { type: 'boolean' },
  },
};

function problemsOf(data: unknown) {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addKeyword(ERROR_MESSAGE_KEYWORD);
  const validate = ajv.compile(schema);
  expect(validate(data)).toBe(false);
  return schemaProblems(validate.errors, data);
}

describe('schemaProblems', () => {
  it('names each field and what is wrong with it', () => {
    expect(
      problemsOf({
        code: 'abcd',
        day: 'today',
        size: true,
        tags: [1],
        counts: { '0': 'x' },
        'odd key': 'yes',
        extra: 1,
      }),
    ).toEqual([
      { field: 'name', message: 'is required' },
      {
        field: 'extra',
        message:
          'is not a known field (known: name, code, day, size, tags, counts, odd key)',
      },
      {
        field: 'code',
        message: 'must match the pattern ^[A-Z]{3}$, got "abcd"',
      },
      {
        field: 'day',
        message: 'must be a date such as 2027-06-30, got "today"',
      },
      { field: 'size', message: 'must be a number or a string, got true' },
      { field: 'tags', message: 'must NOT have fewer than 2 items' },
      { field: 'tags[0]', message: 'must be a string, got 1' },
      // A number is an index in arrays only.
      { field: 'counts["0"]', message: 'must be a number, got "x"' },
      { field: '["odd key"]', message: 'must be a boolean, got "yes"' },
    ]);
  });

  it('names the value as a whole with an empty field', () => {
    expect(problemsOf('x')).toEqual([
      { field: '', message: 'must be an object, got "x"' },
    ]);
    expect(problemsOf({ name: '' })).toEqual([
      { field: 'name', message: 'must not be empty' },
    ]);
  });

  it('keeps what is meant by an alternative and drops the rest', () => {
    // The string branch was meant: its problem alone is reported.
    const ajv = new Ajv({ allErrors: true, verbose: true });
    const validate = ajv.compile({
      anyOf: [{ type: 'number' }, { type: 'string', maxLength: 2 }],
    });
    validate('abc');
    expect(schemaProblems(validate.errors, 'abc')).toEqual([
      { field: '', message: 'must NOT have more than 2 characters, got "abc"' },
    ]);
  });

  it('returns nothing for no errors', () => {
    expect(schemaProblems(null, {})).toEqual([]);
  });
});
