import { InputError, serializeError } from '@backstage/errors';
import { inputErrorWithProblems } from '@datamesh-portal/plugin-data-mesh-common';
import { errorLines, problemLines } from './errors';

const problems = [
  { field: 'spec.owner', message: 'is required' },
  {
    field: 'spec.status',
    message: 'must be one of proposed, draft, got "a; b"',
  },
  { field: '', message: 'and 3 more problems' },
];

describe('problemLines', () => {
  it('gives one line per problem, with its field and message', () => {
    expect(problemLines(problems, 'catalog-info.yaml: line 1')).toEqual([
      'catalog-info.yaml: line 1: spec.owner: is required',
      'catalog-info.yaml: line 1: spec.status: must be one of proposed, draft, got "a; b"',
      'catalog-info.yaml: line 1: and 3 more problems',
    ]);
    expect(
      problemLines([{ field: 'spec.rule', message: 'bad\n  rule' }]),
    ).toEqual(['spec.rule: bad rule']);
  });
});

describe('errorLines', () => {
  it('lists the problems an error carries, or else its message', () => {
    expect(
      errorLines(inputErrorWithProblems('invalid', problems), 'x'),
    ).toEqual(problemLines(problems, 'x'));
    expect(errorLines(new InputError('The contract is empty'), 'x')).toEqual([
      'x: The contract is empty',
    ]);
  });

  it('lists the problems of a portal error body', () => {
    const body = {
      error: serializeError(inputErrorWithProblems('invalid', problems)),
      request: { method: 'POST', url: '/api/data-mesh/evaluate' },
      response: { statusCode: 400 },
    };
    expect(
      errorLines(JSON.parse(JSON.stringify(body)), 'answered 400'),
    ).toEqual(problemLines(problems, 'answered 400'));
  });
});
