import fc from 'fast-check';
import { describeInvalidFactSource, FACT_SOURCE_PATTERN } from './facts';
import { compileRules, evaluateRule } from './rules';

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,70}$/);
const source = fc.oneof(
  identifier,
  fc.constantFrom('in', 'null', 'catalog', 'while', '', 'dbt-tests', '2ci'),
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 1 }),
);

describe('fact sources, on generated names', () => {
  it('accepts exactly the names a rule can read as facts.<source>, and says why it refuses the others', () => {
    fc.assert(
      fc.property(source, name => {
        const problem = describeInvalidFactSource(name);
        if (problem !== undefined) {
          return /^(must be a non-empty string|".*" (is longer than 64 characters|is not an identifier|is a reserved word|cannot be read by rules)|"catalog" is computed)/s.test(
            problem,
          );
        }
        expect(typeof name).toBe('string');
        expect(name as string).toMatch(FACT_SOURCE_PATTERN);
        expect((name as string).length).toBeLessThanOrEqual(64);
        // The accepted name works in a rule and reads the pushed values.
        const [rule] = compileRules([
          { id: 'reads-source', rule: `facts.${name}.passed == 1` },
        ]);
        expect(
          evaluateRule(rule, {
            entity: {},
            facts: { [name as string]: { passed: 1 } },
          }).outcome,
        ).toBe('pass');
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
