import { InputError, ResponseError, serializeError } from '@backstage/errors';
import {
  boundProblems,
  formatProblem,
  formatProblems,
  inputErrorWithProblems,
  MAX_PROBLEMS,
  problemsOf,
} from './problems';

const problems = [
  { field: 'spec.owner', message: 'is required' },
  { field: '', message: 'must be an object, got null' },
];

describe('problems', () => {
  it('formats a problem with its field, or its message alone', () => {
    expect(problems.map(formatProblem)).toEqual([
      'spec.owner: is required',
      'must be an object, got null',
    ]);
    expect(formatProblems(problems)).toBe(
      'spec.owner: is required; must be an object, got null',
    );
  });

  it('bounds a list: at most MAX_PROBLEMS, fields and messages cut short', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      field: `f${i}${'x'.repeat(10_000)}`,
      message: 'm'.repeat(10_000),
    }));
    const bounded = boundProblems(many);
    expect(bounded).toHaveLength(MAX_PROBLEMS);
    expect(bounded[MAX_PROBLEMS - 1]).toEqual({
      field: '',
      message: `and ${10_000 - (MAX_PROBLEMS - 1)} more problems`,
    });
    expect(bounded[0].field).toHaveLength(200);
    expect(bounded[0].field.endsWith('…')).toBe(true);
    expect(bounded[0].message).toHaveLength(1000);
    expect(bounded[1].field.startsWith('f1x')).toBe(true);
    expect(boundProblems(bounded)).toEqual(bounded);
    // Problems only counted by their producer are counted in too.
    expect(
      boundProblems(many.slice(0, 2), 100)[MAX_PROBLEMS - 1],
    ).toBeUndefined();
    expect(boundProblems(many.slice(0, 2), 100)).toEqual([
      ...boundProblems(many.slice(0, 2)),
      { field: '', message: 'and 100 more problems' },
    ]);
  });

  it('makes an InputError whose problems survive serializeError', () => {
    const error = inputErrorWithProblems('The entity is invalid', problems);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('The entity is invalid');
    expect(Object.keys(error)).toContain('problems');
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({
      name: 'InputError',
      message: 'The entity is invalid',
      problems,
    });
    // As the backend's error handler sends it and a client reads it back.
    const body = JSON.parse(
      JSON.stringify({ error: serialized, response: { statusCode: 400 } }),
    );
    expect(problemsOf(body)).toEqual(problems);
  });

  it('reads the problems of an error, of a ResponseError and of an error body', async () => {
    expect(problemsOf(inputErrorWithProblems('x', problems))).toEqual(problems);
    const body = {
      error: { name: 'InputError', message: 'x', problems },
      request: { method: 'POST', url: '/api/data-mesh/evaluate' },
      response: { statusCode: 400 },
    };
    const response = await ResponseError.fromResponse(
      new Response(JSON.stringify(body), {
        status: 400,
        statusText: 'Bad Request',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(problemsOf(response)).toEqual(problems);
    expect(problemsOf(body)).toEqual(problems);
  });

  it('finds nothing where there are no problems', () => {
    expect(problemsOf(new InputError('x'))).toBeUndefined();
    expect(problemsOf({ error: { problems: [] } })).toBeUndefined();
    expect(problemsOf({ error: { problems: [{ field: 1 }] } })).toBeUndefined();
    expect(problemsOf('x')).toBeUndefined();
    expect(problemsOf(undefined)).toBeUndefined();
  });
});
