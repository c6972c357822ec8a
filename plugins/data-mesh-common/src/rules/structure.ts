import { CelNode, callParts, children, isBind, isComprehension } from './ast';

/** A structural problem of an expression, at an offset. */
export interface StructureProblem {
  message: string;
  offset: number;
}

interface Quantifier {
  length: number;
  unbounded: boolean;
}

function quantifierAt(pattern: string, i: number): Quantifier | undefined {
  const c = pattern[i];
  let length = 0;
  let unbounded = false;
  if (c === '*' || c === '+') {
    length = 1;
    unbounded = true;
  } else if (c === '?') {
    length = 1;
  } else if (c === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!match) {
      return undefined;
    }
    length = match[0].length;
    unbounded = match[2] !== undefined && match[3] === '';
  } else {
    return undefined;
  }
  if (pattern[i + length] === '?') {
    length++;
  }
  return { length, unbounded };
}

/**
 * Why a regular expression could take exponential time on a backtracking engine (JavaScript's),
 * or undefined. Refused: backreferences, and a group repeated without bound (`*`, `+`, `{n,}`)
 * that itself contains a quantifier or an alternation, such as `(a+)+` or `(a|ab)*`.
 */
export function describeUnsafePattern(pattern: string): string | undefined {
  const groups: Array<{ quantified: boolean; alternation: boolean }> = [
    { quantified: false, alternation: false },
  ];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const top = groups[groups.length - 1];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') {
        return 'backreferences are not allowed in matches()';
      }
      i += 2;
    } else if (c === '[') {
      i++;
      if (pattern[i] === ']') {
        i++;
      }
      while (i < pattern.length && pattern[i] !== ']') {
        i += pattern[i] === '\\' ? 2 : 1;
      }
      i++;
    } else if (c === '(') {
      groups.push({ quantified: false, alternation: false });
      i++;
    } else if (c === ')') {
      const group = groups.length > 1 ? groups.pop()! : top;
      i++;
      const q = quantifierAt(pattern, i);
      if (q) {
        if (q.unbounded && (group.quantified || group.alternation)) {
          return 'a repeated group containing a quantifier or an alternation can take exponential time in matches(); use a character class or an anchored, simpler pattern';
        }
        i += q.length;
      }
      const parent = groups[groups.length - 1];
      parent.quantified ||= group.quantified || !!q;
      parent.alternation ||= group.alternation;
    } else if (c === '|') {
      top.alternation = true;
      i++;
    } else {
      const q = quantifierAt(pattern, i);
      if (q) {
        top.quantified = true;
        i += q.length;
      } else {
        i++;
      }
    }
  }
  return undefined;
}

/**
 * Checks what the cel-js limits do not: comprehensions nested deeper than allowed,
 * `matches()` patterns that are not literals or could backtrack exponentially, and selections
 * of `__proto__`.
 */
export function checkStructure(
  root: CelNode,
  maxNesting: number,
): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const visit = (node: CelNode, depth: number) => {
    if (isComprehension(node) || isBind(node)) {
      const { receiver, args } = callParts(node);
      const bind = isBind(node);
      if (depth + 1 > maxNesting) {
        problems.push({
          message: `comprehensions are nested more than ${maxNesting} deep`,
          offset: node.pos,
        });
        return;
      }
      if (bind) {
        visit(args[1], depth);
        visit(args[2], depth + 1);
      } else {
        visit(receiver!, depth);
        args.slice(1).forEach(arg => visit(arg, depth + 1));
      }
      return;
    }
    if (
      (node.op === '.' || node.op === '.?') &&
      (node.args as unknown[])[1] === '__proto__'
    ) {
      // cel-js answers the prototype of a timestamp or duration for it.
      problems.push({
        message: '__proto__ is not a field a rule may read',
        offset: node.pos,
      });
      return;
    }
    if (node.op === 'rcall') {
      const { name, args } = callParts(node);
      if (name === 'matches' && args.length === 1) {
        const pattern = args[0];
        if (pattern.op !== 'value' || typeof pattern.args !== 'string') {
          problems.push({
            message: 'the pattern of matches() must be a string literal',
            offset: pattern.start ?? pattern.pos,
          });
        } else {
          try {
            // eslint-disable-next-line no-new
            new RegExp(pattern.args);
            const unsafe = describeUnsafePattern(pattern.args);
            if (unsafe) {
              problems.push({ message: unsafe, offset: pattern.pos });
            }
          } catch (e) {
            problems.push({
              message: `invalid regular expression: ${(e as Error).message}`,
              offset: pattern.pos,
            });
          }
        }
      }
    }
    for (const child of children(node)) {
      visit(child, depth);
    }
  };
  visit(root, 0);
  return problems;
}
