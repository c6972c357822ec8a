import fs from 'node:fs';
import path from 'node:path';
import { CONTRACT_CHANGE_RULES } from './rules';

describe('README.md', () => {
  it('documents every rule as the data defines it, in the same order', () => {
    const readme = fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .map(line => /^\| `([a-z-]+)` +\| ([a-z-]+) +\| (.+?) +\|$/.exec(line))
      .filter((row): row is RegExpExecArray => row !== null)
      .map(([, id, severity, title]) => ({ id, severity, title }));
    expect(rows).toEqual(
      CONTRACT_CHANGE_RULES.map(({ id, severity, title }) => ({
        id,
        severity,
        title,
      })),
    );
  });
});
