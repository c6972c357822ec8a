import { InputError } from '@backstage/errors';
import { problemsOf } from '../../validation/problems';
import { bumpCovers, declaredBump, nextVersion, requiredBump } from './version';

describe('requiredBump', () => {
  it('needs the bump of the most severe change', () => {
    expect(requiredBump([])).toBe('none');
    expect(requiredBump([{ severity: 'patch' }])).toBe('patch');
    expect(
      requiredBump([{ severity: 'patch' }, { severity: 'non-breaking' }]),
    ).toBe('minor');
    expect(
      requiredBump([
        { severity: 'non-breaking' },
        { severity: 'breaking' },
        { severity: 'patch' },
      ]),
    ).toBe('major');
  });
});

describe('declaredBump', () => {
  it.each([
    ['1.4.2', '2.0.0', 'major'],
    ['1.4.2', '3.1.0', 'major'],
    ['1.4.2', '1.5.0', 'minor'],
    ['1.4.2', '1.4.3', 'patch'],
    ['1.4.2', '1.4.2', 'none'],
    ['1.4.2', '1.4.2+build.7', 'none'],
    ['0.1.0', '0.2.0', 'minor'],
    ['v1.0.0', '1.0.1', 'patch'],
    ['1.4.2', '2.0.0-rc.1', 'major'],
    ['1.4.2', '1.5.0-beta', 'minor'],
    ['2.0.0-rc.1', '2.0.0-rc.2', 'patch'],
  ])('%s to %s is %s', (from, to, bump) => {
    expect(declaredBump(from, to)).toBe(bump);
  });

  it('names a version that is not semantic', () => {
    let error: unknown;
    try {
      declaredBump('1.0', 42);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(problemsOf(error)).toEqual([
      {
        field: 'oldVersion',
        message:
          '"1.0" is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.2.0',
      },
      {
        field: 'newVersion',
        message:
          '42 is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.2.0',
      },
    ]);
  });

  it('refuses a version that goes down', () => {
    expect(() => declaredBump('2.0.0', '1.9.9')).toThrow(
      "A contract's version must not go down: 1.9.9 is lower than the previous version 2.0.0",
    );
  });
});

describe('bumpCovers', () => {
  it('is covered by a bump at least as large', () => {
    expect(bumpCovers('major', 'major')).toBe(true);
    expect(bumpCovers('major', 'patch')).toBe(true);
    expect(bumpCovers('none', 'none')).toBe(true);
    expect(bumpCovers('minor', 'major')).toBe(false);
    expect(bumpCovers('patch', 'minor')).toBe(false);
    expect(bumpCovers('none', 'patch')).toBe(false);
  });
});

describe('nextVersion', () => {
  it('is the smallest version covering the bump', () => {
    expect(nextVersion('1.4.2', 'major')).toBe('2.0.0');
    expect(nextVersion('1.4.2', 'minor')).toBe('1.5.0');
    expect(nextVersion('1.4.2', 'patch')).toBe('1.4.3');
    expect(nextVersion('1.4.2', 'none')).toBe('1.4.2');
    expect(nextVersion('one', 'major')).toBeUndefined();
  });
});
