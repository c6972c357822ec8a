import * as common from '@datamesh-portal/plugin-data-mesh-common';
import YAML from 'yaml';
import { ContractVerdicts } from './ContractVerdicts';

jest.mock('@datamesh-portal/plugin-data-mesh-common', () => {
  const actual = jest.requireActual('@datamesh-portal/plugin-data-mesh-common');
  return { ...actual, parseOdcsContract: jest.fn(actual.parseOdcsContract) };
});
const parse = common.parseOdcsContract as jest.Mock;

const contract = (id: string) =>
  YAML.stringify({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id,
    version: '1.0.0',
    status: 'active',
  });

describe('ContractVerdicts', () => {
  beforeEach(() => parse.mockClear());

  it('parses a definition once while its text stays the same', () => {
    const verdicts = new ContractVerdicts();
    expect(verdicts.of(contract('orders'))).toEqual({ id: 'orders' });
    expect(verdicts.of(contract('orders'))).toEqual({ id: 'orders' });
    expect(parse).toHaveBeenCalledTimes(1);
    // A changed text is a new contract.
    expect(verdicts.of(contract('orders-v2'))).toEqual({ id: 'orders-v2' });
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('remembers why a definition is invalid, and never remembers what is no text', () => {
    const verdicts = new ContractVerdicts();
    const invalid = 'kind: DataContract';
    const problem = verdicts.of(invalid);
    expect(problem).toEqual({
      problem: expect.stringContaining('The contract'),
      problems: expect.arrayContaining([
        { field: 'apiVersion', message: 'is required' },
      ]),
    });
    expect(verdicts.of(invalid)).toEqual(problem);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(verdicts.of({ kind: 'DataContract' })).toEqual({
      problem: expect.any(String),
      problems: [],
    });
    verdicts.of({ kind: 'DataContract' });
    expect(parse).toHaveBeenCalledTimes(3);
  });

  it('keeps at most its bound, forgetting the least recently used first', () => {
    const verdicts = new ContractVerdicts(2);
    verdicts.of(contract('a'));
    verdicts.of(contract('b'));
    verdicts.of(contract('a')); // a is now the most recently used
    verdicts.of(contract('c')); // b goes
    parse.mockClear();
    verdicts.of(contract('a'));
    verdicts.of(contract('c'));
    expect(parse).not.toHaveBeenCalled();
    verdicts.of(contract('b'));
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
