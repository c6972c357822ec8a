/*
 * Compiles a type-checked cel-js AST into JavaScript closures.
 *
 * The closures compute exactly what the cel-js interpreter computes, or give up. A closure that
 * meets an error throws a Bail. A Bail with a message is the error cel-js itself would report
 * (e.g. `No such key: purpose`); a Bail without one (BAIL) means "let cel-js decide": the whole
 * expression is then evaluated again by the interpreter, whose value or error is the result.
 * Sub-expressions are evaluated in the interpreter's order (list elements and call arguments
 * last to first), and `&&`, `||`, `all` and `exists` absorb a Bail exactly where CEL absorbs an
 * error (when the other operand, or another element, decides the result) and otherwise report
 * the same error as cel-js, so a Bail never changes a result.
 *
 * Operations the closures do not implement (type conversions, most string and timestamp
 * functions, list concatenation, equality of lists and maps...) are delegated one at a time to
 * cel-js, on operand values computed by the closures. Closures count their cost against a
 * budget and throw BUDGET when it runs out.
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { CelNode, callParts, isBind, isComprehension } from './ast';
import { EvalState, UNSET, observedAtSource } from './context';
import { RuleEnvironment } from './environment';

/** Thrown by a closure on an error; see the file comment. */
export class Bail {
  constructor(readonly message?: string) {}
}

/** A Bail that leaves the expression to the cel-js interpreter. */
export const BAIL = new Bail();

/** Thrown by a closure when the expression exceeds its evaluation budget. */
export const BUDGET: object = Object.freeze({ budget: true });

export type Fn = (s: EvalState) => unknown;

/** A node the compiler does not handle: the expression is left to cel-js. */
export class UnsupportedNodeError extends Error {}

interface Compiled {
  fn: Fn;
  isConst: boolean;
  value?: unknown;
}

interface Scope {
  name: string;
  slot: number;
  parent?: Scope;
}

export interface NativeProgram {
  fn: Fn;
  /** Comprehension and bind variables used. */
  slots: number;
  /** Calls delegated to cel-js (after constant folding). */
  delegated: number;
}

const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;
const hasOwn = Object.prototype.hasOwnProperty;

const SMALL_INTS: bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));
function int(n: number): bigint {
  return n < 1024 ? SMALL_INTS[n] : BigInt(n);
}

function charge(s: EvalState, units: number): void {
  s.cost += units;
  if (s.cost > s.budget) {
    throw BUDGET;
  }
}

const keyBails = new Map<string, Bail>();
/** The error cel-js reports for a missing field. */
function noSuchKey(key: string): Bail {
  let bail = keyBails.get(key);
  if (!bail) {
    bail = new Bail(`No such key: ${key}`);
    if (keyBails.size < 10_000) {
      keyBails.set(key, bail);
    }
  }
  return bail;
}

/** A map as cel-js sees one: a plain or prototype-less object. */
function isMapObject(o: object): boolean {
  const c = (o as { constructor?: unknown }).constructor;
  return c === Object || c === undefined;
}

/**
 * `o.k` as cel-js evaluates it. `missing` is the error for a missing key; objects that are not
 * JSON values (timestamps, durations...) are left to cel-js.
 */
function field(o: unknown, k: string, missing: Bail): unknown {
  if (typeof o === 'object' && o !== null) {
    const c = (o as { constructor?: unknown }).constructor;
    if (c === Object || c === undefined) {
      const v = (o as Record<string, unknown>)[k];
      // An inherited property is a function (toString...) or, for `__proto__`, the prototype
      // itself: missing.
      if (
        v !== undefined &&
        typeof v !== 'function' &&
        (k !== '__proto__' || hasOwn.call(o, k))
      ) {
        return v;
      }
      throw missing;
    }
  }
  throw otherField(o, missing);
}

/** The error of `o.k` for anything but a map. */
function otherField(o: unknown, missing: Bail): Bail {
  // null, lists, strings, numbers and booleans have no fields; others are left to cel-js.
  return o === null || Array.isArray(o) || isPrimitive(o) ? missing : BAIL;
}

/** The field as `has()` looks it up: undefined when absent. */
function presentField(o: unknown, k: string): unknown {
  if (typeof o === 'object' && o !== null) {
    const c = (o as { constructor?: unknown }).constructor;
    if (c === Object || c === undefined) {
      const v = (o as Record<string, unknown>)[k];
      return typeof v === 'function' || k === '__proto__'
        ? ownFunction(o, k)
        : v;
    }
  }
  return otherPresentField(o);
}

function ownFunction(o: object, k: string): unknown {
  return hasOwn.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** `has()` on anything but a map: null, lists and primitives have no fields. */
function otherPresentField(o: unknown): undefined {
  if (o === null || Array.isArray(o) || isPrimitive(o)) {
    return undefined;
  }
  throw BAIL;
}

function codePoints(str: string): number {
  let n = str.length;
  for (let i = 0; i < str.length - 1; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** `size()` of a string, list or map, as a number; BAIL for anything else. */
function sizeNumber(s: EvalState, v: unknown): number {
  if (typeof v === 'string') {
    charge(s, 1 + (v.length >> 6));
    return codePoints(v);
  }
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) {
      return v.length;
    }
    if (isMapObject(v)) {
      const n = Object.keys(v).length;
      charge(s, 1 + (n >> 6));
      return n;
    }
  }
  throw BAIL;
}

function isPrimitive(v: unknown): boolean {
  const t = typeof v;
  return (
    v === null ||
    t === 'string' ||
    t === 'boolean' ||
    t === 'number' ||
    t === 'bigint'
  );
}

function isPlainContainer(v: unknown): boolean {
  return (
    v !== null &&
    typeof v === 'object' &&
    (Array.isArray(v) || isMapObject(v as object))
  );
}

/** CEL equality where the closures know it, undefined where cel-js must decide. */
function equals(a: unknown, b: unknown): boolean | undefined {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === tb && (ta === 'string' || ta === 'boolean' || ta === 'number')) {
    return a === b;
  }
  const na = ta === 'number' || ta === 'bigint';
  const nb = tb === 'number' || tb === 'bigint';
  if (na && nb) {
    // eslint-disable-next-line eqeqeq
    return a == b;
  }
  const pa = isPrimitive(a);
  const pb = isPrimitive(b);
  if (pa && pb) {
    return a === b;
  }
  if ((pa && isPlainContainer(b)) || (pb && isPlainContainer(a))) {
    return false;
  }
  return undefined;
}

type Delegate = (s: EvalState, values: unknown[]) => unknown;

interface DelegateTemplate {
  parsed: ParseResult;
  names: string[];
}

const templates = new WeakMap<Environment, Map<string, DelegateTemplate>>();

function typeNameOf(node: CelNode): string {
  const name = node.checkedType?.name;
  // Placeholder types (list<T> of an empty literal...) cannot be declared.
  if (!name || /\b[A-Z]\b/.test(name)) {
    return 'dyn';
  }
  return name;
}

function delegateTemplate(
  env: Environment,
  kind: 'call' | 'rcall' | 'binary' | 'unary',
  name: string,
  operands: CelNode[],
): DelegateTemplate {
  let cache = templates.get(env);
  if (!cache) {
    cache = new Map();
    templates.set(env, cache);
  }
  const typings = [operands.map(typeNameOf), operands.map(() => 'dyn')];
  for (const types of typings) {
    const key = `${kind}:${name}:${types.join('|')}`;
    const cached = cache.get(key);
    if (cached) {
      return cached;
    }
    const names = types.map((_, i) => `__dm${i}`);
    let source: string;
    switch (kind) {
      case 'call':
        source = `${name}(${names.join(', ')})`;
        break;
      case 'rcall':
        source = `${names[0]}.${name}(${names.slice(1).join(', ')})`;
        break;
      case 'binary':
        source = `${names[0]} ${name} ${names[1]}`;
        break;
      default:
        source = `${name === '!_' ? '!' : '-'}${names[0]}`;
    }
    try {
      const child = env.clone();
      types.forEach((type, i) => {
        try {
          child.registerVariable(names[i], type);
        } catch {
          child.registerVariable(names[i], 'dyn');
        }
      });
      const parsed = child.parse(source);
      if (parsed.check().valid) {
        const template = { parsed, names };
        cache.set(key, template);
        return template;
      }
    } catch {
      // try the next typing
    }
  }
  throw new UnsupportedNodeError(`cannot delegate ${kind} ${name}`);
}

function chargeResult(s: EvalState, v: unknown): void {
  if (typeof v === 'string') {
    charge(s, 1 + (v.length >> 6));
  } else if (Array.isArray(v)) {
    charge(s, 1 + v.length);
  }
}

type Compare = (a: any, b: any) => boolean;

function comparator(op: string): Compare {
  switch (op) {
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    default:
      return (a, b) => a >= b;
  }
}

const MIRRORED: Record<string, string> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

const SPEC_MISSING = new Bail('No such key: spec');
const METADATA_MISSING = new Bail('No such key: metadata');

function entitySpec(s: EvalState): unknown {
  const v = s.spec;
  return v !== UNSET ? v : (s.spec = field(s.v.entity, 'spec', SPEC_MISSING));
}

function entityMetadata(s: EvalState): unknown {
  const v = s.metadata;
  return v !== UNSET
    ? v
    : (s.metadata = field(s.v.entity, 'metadata', METADATA_MISSING));
}

/** Reads a context variable, one property access site each. */
function rootGetter(name: string): Fn | undefined {
  switch (name) {
    case 'entity':
      return s => s.v.entity;
    case 'domain':
      return s => s.v.domain;
    case 'owner':
      return s => s.v.owner;
    case 'upstream':
      return s => s.v.upstream;
    case 'facts':
      return s => s.v.facts;
    case 'observedAt':
      return s => s.v.observedAt;
    case 'now':
      return s => s.v.now;
    default:
      return undefined;
  }
}

const TIMESTAMP_ERROR = new Bail(
  'timestamp() requires a string in ISO 8601 format',
);

class Compiler {
  slots = 0;
  delegated = 0;
  private readonly constState: EvalState;

  constructor(private readonly re: RuleEnvironment) {
    this.constState = {
      v: {} as EvalState['v'],
      spec: UNSET,
      metadata: UNSET,
      slots: [],
      cost: 0,
      budget: re.limits.maxEvaluationCost,
    };
  }

  konst(value: unknown): Compiled {
    return { fn: () => value, isConst: true, value };
  }

  /** Folds an operation whose operands are all constants. */
  fold(fn: Fn, operands: Compiled[]): Compiled {
    if (!operands.every(o => o.isConst)) {
      return { fn, isConst: false };
    }
    this.constState.cost = 0;
    try {
      return this.konst(fn(this.constState));
    } catch (e) {
      if (e instanceof Bail || e === BUDGET) {
        // Always an error: the same one, or cel-js's.
        const error = e instanceof Bail ? e : BAIL;
        return {
          fn: () => {
            throw error;
          },
          isConst: false,
        };
      }
      throw e;
    }
  }

  /**
   * An operation evaluated by cel-js on operand values computed by the closures. The cel-js
   * expression is prepared on first use, as most operators never need it.
   */
  delegate(
    kind: 'call' | 'rcall' | 'binary' | 'unary',
    name: string,
    operands: CelNode[],
  ): Delegate {
    const env = this.re.env;
    let template: DelegateTemplate | undefined;
    return (s, values) => {
      if (!template) {
        try {
          template = delegateTemplate(env, kind, name, operands);
        } catch {
          throw BAIL;
        }
      }
      const { parsed, names } = template;
      const vars: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        vars[names[i]] = values[i];
      }
      let result: unknown;
      try {
        result = parsed(vars);
      } catch {
        throw BAIL;
      }
      chargeResult(s, result);
      return result;
    };
  }

  compile(node: CelNode, scope: Scope | undefined): Compiled {
    switch (node.op) {
      case 'value':
        return this.konst(node.args);
      case 'id':
        return this.id(node.args as string, scope);
      case '.':
        return this.select(node, scope);
      case '[]':
        return this.index(node, scope);
      case '&&':
        return this.logical(node, scope, false);
      case '||':
        return this.logical(node, scope, true);
      case '?:':
        return this.ternary(node, scope);
      case '!_':
      case '-_':
        return this.unary(node, scope);
      case '==':
      case '!=':
        return this.equality(node, scope);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.relation(node, scope);
      case 'in':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(node, scope);
      case 'list':
        return this.list(node, scope);
      case 'map':
        return this.map(node, scope);
      case 'call':
      case 'rcall':
        return this.call(node, scope);
      default:
        throw new UnsupportedNodeError(node.op);
    }
  }

  id(name: string, scope: Scope | undefined): Compiled {
    for (let sc = scope; sc; sc = sc.parent) {
      if (sc.name === name) {
        const slot = sc.slot;
        return { fn: s => s.slots[slot], isConst: false };
      }
    }
    const root = rootGetter(name);
    if (root) {
      return { fn: root, isConst: false };
    }
    // A constant of the environment, such as a type name (int, string) or `cel`.
    try {
      return this.konst(this.re.env.evaluate(name));
    } catch {
      throw new UnsupportedNodeError(`id ${name}`);
    }
  }

  /** The root of a chain of field selections, and the field names. */
  chain(node: CelNode): { base: CelNode; keys: string[] } {
    const keys: string[] = [];
    let n = node;
    while (n.op === '.') {
      const [left, key] = n.args as [CelNode, string];
      keys.unshift(key);
      n = left;
    }
    return { base: n, keys };
  }

  /**
   * A chain of field selections as a base closure and the remaining keys: `entity.spec.x` and
   * `entity.metadata.x` start from entity.spec and entity.metadata, read once per context.
   */
  path(
    node: CelNode,
    scope: Scope | undefined,
    forHas = false,
  ): { base: Compiled; keys: string[] } {
    const { base, keys } = this.chain(node);
    if (
      base.op === 'id' &&
      base.args === 'entity' &&
      keys.length >= 2 &&
      (keys[0] === 'spec' || keys[0] === 'metadata') &&
      !this.shadowed('entity', scope)
    ) {
      return {
        base: {
          fn: keys[0] === 'spec' ? entitySpec : entityMetadata,
          isConst: false,
        },
        keys: keys.slice(1),
      };
    }
    if (
      !forHas &&
      base.op === 'id' &&
      base.args === 'observedAt' &&
      !this.shadowed('observedAt', scope)
    ) {
      // observedAt.ci parses that one timestamp, not all of them.
      const [source, ...rest] = keys;
      const missing = noSuchKey(source);
      return {
        base: {
          fn: s => {
            let date: Date | undefined;
            try {
              date = observedAtSource(s.v, source);
            } catch {
              throw BAIL;
            }
            if (date === undefined) {
              throw missing;
            }
            return date;
          },
          isConst: false,
        },
        keys: rest,
      };
    }
    return { base: this.compile(base, scope), keys };
  }

  shadowed(name: string, scope: Scope | undefined): boolean {
    for (let sc = scope; sc; sc = sc.parent) {
      if (sc.name === name) {
        return true;
      }
    }
    return false;
  }

  select(node: CelNode, scope: Scope | undefined): Compiled {
    const { base: b, keys } = this.path(node, scope);
    const from = b.fn;
    const bails = keys.map(noSuchKey);
    let fn: Fn;
    switch (keys.length) {
      case 1: {
        const [k1] = keys;
        const [b1] = bails;
        fn = s => field(from(s), k1, b1);
        break;
      }
      case 2: {
        const [k1, k2] = keys;
        const [b1, b2] = bails;
        fn = s => field(field(from(s), k1, b1), k2, b2);
        break;
      }
      case 3: {
        const [k1, k2, k3] = keys;
        const [b1, b2, b3] = bails;
        fn = s => field(field(field(from(s), k1, b1), k2, b2), k3, b3);
        break;
      }
      default:
        fn = s => {
          let o = from(s);
          for (let i = 0; i < keys.length; i++) {
            o = field(o, keys[i], bails[i]);
          }
          return o;
        };
    }
    return this.fold(fn, [b]);
  }

  index(node: CelNode, scope: Scope | undefined): Compiled {
    const [l, r] = node.args as [CelNode, CelNode];
    const L = this.compile(l, scope);
    const R = this.compile(r, scope);
    const lf = L.fn;
    const rf = R.fn;
    const Duration = this.re.classes.Duration;
    const fn: Fn = s => {
      const o = lf(s);
      const k = rf(s);
      if (Array.isArray(o)) {
        if (typeof k === 'bigint') {
          if (k >= 0n && k < o.length) {
            const v = o[Number(k)];
            if (v !== undefined && typeof v !== 'function') {
              return v;
            }
          } else {
            throw new Bail(
              `No such key: index out of bounds, index ${k} ${
                k < 0n ? '< 0' : `>= size ${o.length || undefined}`
              }`,
            );
          }
        }
      } else if (
        typeof k === 'string' &&
        o !== null &&
        typeof o === 'object' &&
        isMapObject(o)
      ) {
        if (!hasOwn.call(o, k)) {
          throw noSuchKey(k);
        }
        const v = (o as Record<string, unknown>)[k];
        if (v !== undefined && typeof v !== 'function') {
          return v;
        }
      } else if (
        typeof k === 'string' &&
        (o instanceof Date || o instanceof Duration)
      ) {
        // A timestamp or duration has no keys; cel-js would read inherited properties of its
        // class (the prototype itself for `__proto__`).
        throw noSuchKey(k);
      }
      throw BAIL;
    };
    return this.fold(fn, [L, R]);
  }

  logical(node: CelNode, scope: Scope | undefined, or: boolean): Compiled {
    const [l, r] = node.args as [CelNode, CelNode];
    const L = this.compile(l, scope);
    const R = this.compile(r, scope);
    const lf = L.fn;
    const rf = R.fn;
    const decided = or; // the value of either side that decides the result
    const fn: Fn = s => {
      let left: unknown;
      try {
        left = lf(s);
      } catch (e) {
        if (!(e instanceof Bail)) {
          throw e;
        }
        // An error on the left: the right side decides, or its error wins, or the left one.
        const right = rf(s);
        if (right === decided) {
          return decided;
        }
        throw right === !decided ? e : BAIL;
      }
      if (left === decided) {
        return decided;
      }
      const right = rf(s);
      if (left === !decided) {
        if (right === true || right === false) {
          return right;
        }
        throw BAIL;
      }
      // The left side is not a bool: only a deciding right side gives a value.
      if (right === decided) {
        return decided;
      }
      throw BAIL;
    };
    return this.fold(fn, [L, R]);
  }

  ternary(node: CelNode, scope: Scope | undefined): Compiled {
    const [c, a, b] = (node.args as CelNode[]).map(n => this.compile(n, scope));
    const cf = c.fn;
    const af = a.fn;
    const bf = b.fn;
    const fn: Fn = s => {
      const cond = cf(s);
      if (cond === true) {
        return af(s);
      }
      if (cond === false) {
        return bf(s);
      }
      throw BAIL;
    };
    return this.fold(fn, [c, a, b]);
  }

  unary(node: CelNode, scope: Scope | undefined): Compiled {
    const operand = node.args as CelNode;
    const A = this.compile(operand, scope);
    const af = A.fn;
    let fn: Fn;
    if (node.op === '!_') {
      fn = s => {
        const v = af(s);
        if (v === true) {
          return false;
        }
        if (v === false) {
          return true;
        }
        throw BAIL;
      };
    } else {
      const other = this.delegate('unary', node.op, [operand]);
      fn = s => {
        const v = af(s);
        if (typeof v === 'bigint') {
          return -v;
        }
        if (typeof v === 'number') {
          return -v;
        }
        return other(s, [v]);
      };
    }
    return this.fold(fn, [A]);
  }

  equality(node: CelNode, scope: Scope | undefined): Compiled {
    const [l, r] = node.args as [CelNode, CelNode];
    const L = this.compile(l, scope);
    const R = this.compile(r, scope);
    const lf = L.fn;
    const rf = R.fn;
    const other = this.delegate('binary', node.op, [l, r]);
    const negate = node.op === '!=';
    let fn: Fn;
    if (!L.isConst && R.isConst && R.value === null) {
      // x != null
      fn = s => {
        const a = lf(s);
        if (a === null) {
          return !negate;
        }
        if (
          typeof a === 'object'
            ? Array.isArray(a) || isMapObject(a as object)
            : isPrimitive(a)
        ) {
          return negate;
        }
        return other(s, [a, null]);
      };
    } else if (!L.isConst && R.isConst && typeof R.value === 'string') {
      // x == 'text'
      const c = R.value;
      fn = s => {
        const a = lf(s);
        if (typeof a === 'string' || a === null) {
          return (a === c) !== negate;
        }
        const eq = equals(a, c);
        return eq === undefined ? other(s, [a, c]) : eq !== negate;
      };
    } else {
      fn = s => {
        const a = lf(s);
        const b = rf(s);
        const eq = equals(a, b);
        return eq === undefined ? other(s, [a, b]) : eq !== negate;
      };
    }
    return this.fold(fn, [L, R]);
  }

  relation(node: CelNode, scope: Scope | undefined): Compiled {
    const [l, r] = node.args as [CelNode, CelNode];
    const op = node.op;
    // size(x) compared with a constant: often decided without counting code points.
    if (r.op === 'value' && typeof r.args === 'bigint') {
      const sized = this.sizeComparison(l, op, r.args, scope);
      if (sized) {
        return sized;
      }
    }
    if (l.op === 'value' && typeof l.args === 'bigint') {
      const sized = this.sizeComparison(r, MIRRORED[op], l.args, scope);
      if (sized) {
        return sized;
      }
    }
    const L = this.compile(l, scope);
    const R = this.compile(r, scope);
    const lf = L.fn;
    const rf = R.fn;
    const other = this.delegate('binary', op, [l, r]);
    const compare = comparator(op);
    const { Duration } = this.re.classes;
    const related = (s: EvalState, a: any, b: any) => {
      const ta = typeof a;
      const tb = typeof b;
      if (
        (ta === 'number' || ta === 'bigint'
          ? tb === 'number' || tb === 'bigint'
          : ta === tb && (ta === 'string' || ta === 'boolean')) ||
        (a instanceof Date && b instanceof Date) ||
        (a instanceof Duration && b instanceof Duration)
      ) {
        switch (op) {
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          default:
            return a >= b;
        }
      }
      return other(s, [a, b]);
    };
    if (l.op === '-' && !L.isConst) {
      // now - observedAt.ci < duration('24h'): compare milliseconds, without the Duration.
      const [x, y] = l.args as [CelNode, CelNode];
      const xf = this.compile(x, scope).fn;
      const yf = this.compile(y, scope).fn;
      const subtract = this.subtraction(this.delegate('binary', '-', [x, y]));
      return {
        fn: s => {
          const a = xf(s);
          const b = yf(s);
          if (a instanceof Date && b instanceof Date) {
            const ms = a.getTime() - b.getTime();
            const d = rf(s);
            // Below 5e11 ms a Duration of ms milliseconds is exactly ms (its valueOf).
            if (d instanceof Duration && ms < 5e11 && ms > -5e11) {
              return compare(ms, d.valueOf());
            }
            return related(s, Duration.fromMilliseconds(ms), d);
          }
          return related(s, subtract(s, a, b), rf(s));
        },
        isConst: false,
      };
    }
    return this.fold(s => related(s, lf(s), rf(s)), [L, R]);
  }

  /** `size(x) op c` for a constant int c, or undefined when `sized` is no size() call. */
  sizeComparison(
    sized: CelNode,
    op: string,
    c: bigint,
    scope: Scope | undefined,
  ): Compiled | undefined {
    if (sized.op !== 'call' && sized.op !== 'rcall') {
      return undefined;
    }
    const { name, receiver, args } = callParts(sized);
    const arg = receiver
      ? args.length === 0 && receiver
      : args.length === 1 && args[0];
    if (name !== 'size' || !arg) {
      return undefined;
    }
    const A = this.compile(arg, scope);
    const af = A.fn;
    // Sizes are integers: every comparison is (size < t) or its negation.
    const t = op === '<' || op === '>=' ? Number(c) : Number(c) + 1;
    const negate = op === '>' || op === '>=';
    const fn: Fn = s => {
      const v = af(s);
      if (typeof v === 'string') {
        const length = v.length;
        s.cost += 1 + (length >> 6);
        if (s.cost > s.budget) {
          throw BUDGET;
        }
        // A string of n UTF-16 units has between ceil(n / 2) and n code points.
        if (length < t) {
          return !negate;
        }
        if ((length + 1) >> 1 >= t) {
          return negate;
        }
        return codePoints(v) < t !== negate;
      }
      return sizeNumber(s, v) < t !== negate;
    };
    return this.fold(fn, [A]);
  }

  /** `a - b` on operand values. */
  subtraction(
    other: Delegate,
  ): (s: EvalState, a: unknown, b: unknown) => unknown {
    const { Duration } = this.re.classes;
    return (s, a, b) => {
      const ta = typeof a;
      if (ta === typeof b) {
        if (ta === 'bigint') {
          const v = (a as bigint) - (b as bigint);
          if (v > MAX_INT || v < MIN_INT) {
            throw BAIL;
          }
          return v;
        }
        if (ta === 'number') {
          return (a as number) - (b as number);
        }
      }
      if (a instanceof Date && b instanceof Date) {
        return Duration.fromMilliseconds(a.getTime() - b.getTime());
      }
      return other(s, [a, b]);
    };
  }

  arithmetic(node: CelNode, scope: Scope | undefined): Compiled {
    const op = node.op;
    const [l, r] = node.args as [CelNode, CelNode];
    const L = this.compile(l, scope);
    const R = this.compile(r, scope);
    const lf = L.fn;
    const rf = R.fn;
    const other = this.delegate('binary', op, [l, r]);
    let fn: Fn;
    switch (op) {
      case 'in':
        fn = s => {
          const a = lf(s);
          const b = rf(s);
          if (Array.isArray(b)) {
            const ta = typeof a;
            if (ta === 'string' || ta === 'boolean' || a === null) {
              charge(s, 1 + b.length);
              return b.includes(a);
            }
            if (ta === 'number' || ta === 'bigint') {
              charge(s, 1 + b.length);
              for (let i = 0; i < b.length; i++) {
                const e = b[i];
                const te = typeof e;
                // eslint-disable-next-line eqeqeq
                if ((te === 'number' || te === 'bigint') && e == a) {
                  return true;
                }
              }
              return false;
            }
          } else if (
            typeof a === 'string' &&
            b !== null &&
            typeof b === 'object' &&
            isMapObject(b)
          ) {
            return (
              hasOwn.call(b, a) &&
              (b as Record<string, unknown>)[a] !== undefined
            );
          }
          return other(s, [a, b]);
        };
        break;
      case '+':
        fn = s => {
          const a = lf(s);
          const b = rf(s);
          const ta = typeof a;
          if (ta === typeof b) {
            if (ta === 'bigint') {
              const v = (a as bigint) + (b as bigint);
              if (v > MAX_INT || v < MIN_INT) {
                throw BAIL;
              }
              return v;
            }
            if (ta === 'number') {
              return (a as number) + (b as number);
            }
            if (ta === 'string') {
              const v = (a as string) + (b as string);
              charge(s, 1 + (v.length >> 6));
              return v;
            }
          }
          return other(s, [a, b]);
        };
        break;
      case '-': {
        const subtract = this.subtraction(other);
        fn = s => subtract(s, lf(s), rf(s));
        break;
      }
      case '*':
        fn = s => {
          const a = lf(s);
          const b = rf(s);
          const ta = typeof a;
          if (ta === typeof b) {
            if (ta === 'bigint') {
              const v = (a as bigint) * (b as bigint);
              if (v > MAX_INT || v < MIN_INT) {
                throw BAIL;
              }
              return v;
            }
            if (ta === 'number') {
              return (a as number) * (b as number);
            }
          }
          return other(s, [a, b]);
        };
        break;
      case '/':
        fn = s => {
          const a = lf(s);
          const b = rf(s);
          const ta = typeof a;
          if (ta === typeof b) {
            if (ta === 'bigint') {
              if (b === 0n) {
                throw BAIL;
              }
              return (a as bigint) / (b as bigint);
            }
            if (ta === 'number') {
              return (a as number) / (b as number);
            }
          }
          return other(s, [a, b]);
        };
        break;
      default:
        // '%'
        fn = s => {
          const a = lf(s);
          const b = rf(s);
          if (typeof a === 'bigint' && typeof b === 'bigint') {
            if (b === 0n) {
              throw BAIL;
            }
            return a % b;
          }
          return other(s, [a, b]);
        };
    }
    return this.fold(fn, [L, R]);
  }

  list(node: CelNode, scope: Scope | undefined): Compiled {
    const elements = (node.args as CelNode[]).map(n => this.compile(n, scope));
    const fns = elements.map(e => e.fn);
    const fn: Fn = s => {
      const out = new Array(fns.length);
      // cel-js evaluates list elements last to first
      for (let i = fns.length - 1; i >= 0; i--) {
        out[i] = fns[i](s);
      }
      return out;
    };
    return this.fold(fn, elements);
  }

  map(node: CelNode, scope: Scope | undefined): Compiled {
    const entries = (node.args as CelNode[][]).map(([k, v]) => [
      this.compile(k, scope),
      this.compile(v, scope),
    ]);
    const fns = entries.map(([k, v]) => [k.fn, v.fn]);
    const fn: Fn = s => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < fns.length; i++) {
        const k = fns[i][0](s) as string;
        const v = fns[i][1](s);
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
          continue;
        }
        out[k] = v;
      }
      return out;
    };
    return this.fold(fn, entries.flat());
  }

  call(node: CelNode, scope: Scope | undefined): Compiled {
    if (isComprehension(node)) {
      return this.comprehension(node, scope);
    }
    if (isBind(node)) {
      return this.bind(node, scope);
    }
    const { name, receiver, args } = callParts(node);
    if (!receiver && args.length === 1) {
      switch (name) {
        case 'has':
          return this.has(args[0], scope);
        case 'size':
          return this.size(args[0], scope);
        case 'dyn':
          return this.compile(args[0], scope);
        case 'isoDuration':
          return this.isoDuration(args[0], scope);
        case 'timestamp':
          return this.timestamp(args[0], scope);
        default:
      }
    }
    if (receiver && args.length === 0 && name === 'size') {
      return this.size(receiver, scope);
    }
    if (receiver && args.length === 1) {
      if (name === 'startsWith' || name === 'endsWith' || name === 'contains') {
        return this.stringTest(name, receiver, args[0], scope);
      }
      if (
        name === 'matches' &&
        args[0].op === 'value' &&
        typeof args[0].args === 'string'
      ) {
        return this.matches(receiver, args[0].args, scope);
      }
    }
    // Anything else: compute the operands here, the call in cel-js.
    const operands = receiver ? [receiver, ...args] : args;
    const compiled = operands.map(n => this.compile(n, scope));
    const fns = compiled.map(c => c.fn);
    const other = this.delegate(receiver ? 'rcall' : 'call', name, operands);
    this.delegated++;
    return this.fold(s => {
      const values = new Array(fns.length);
      // cel-js evaluates arguments last to first, the receiver last
      for (let i = fns.length - 1; i >= 0; i--) {
        values[i] = fns[i](s);
      }
      return other(s, values);
    }, compiled);
  }

  has(arg: CelNode, scope: Scope | undefined): Compiled {
    if (arg.op !== '.') {
      throw new UnsupportedNodeError('has() argument');
    }
    const { base } = this.chain(arg);
    if (base.op !== 'id') {
      throw new UnsupportedNodeError('has() argument');
    }
    // Reading entity.spec once per context is the same: has() too fails on a missing spec.
    const { base: from, keys } = this.path(arg, scope, true);
    const bf = from.fn;
    const bails = keys.map(noSuchKey);
    const last = keys.length - 1;
    let fn: Fn;
    if (keys.length === 1) {
      const [k1] = keys;
      fn = s => presentField(bf(s), k1) !== undefined;
    } else if (keys.length === 2) {
      const [k1, k2] = keys;
      const [b1] = bails;
      fn = s => {
        const o = presentField(bf(s), k1);
        if (o === undefined) {
          throw b1;
        }
        return presentField(o, k2) !== undefined;
      };
    } else {
      fn = s => {
        let o = bf(s);
        for (let i = 0; i <= last; i++) {
          o = presentField(o, keys[i]);
          if (o === undefined) {
            if (i === last) {
              return false;
            }
            throw bails[i];
          }
        }
        return true;
      };
    }
    return this.fold(fn, [from]);
  }

  size(arg: CelNode, scope: Scope | undefined): Compiled {
    const A = this.compile(arg, scope);
    const af = A.fn;
    return this.fold(s => int(sizeNumber(s, af(s))), [A]);
  }

  isoDuration(arg: CelNode, scope: Scope | undefined): Compiled {
    const A = this.compile(arg, scope);
    const af = A.fn;
    const isoDuration = this.re.isoDuration;
    return this.fold(
      s => {
        const text = af(s);
        try {
          return isoDuration(text);
        } catch (e) {
          throw typeof text === 'string'
            ? new Bail((e as { summary?: string }).summary)
            : BAIL;
        }
      },
      [A],
    );
  }

  timestamp(arg: CelNode, scope: Scope | undefined): Compiled {
    const A = this.compile(arg, scope);
    const af = A.fn;
    const other = this.delegate('call', 'timestamp', [arg]);
    // The same checks as cel-js's timestamp(string).
    return this.fold(
      s => {
        const v = af(s);
        if (typeof v !== 'string') {
          return other(s, [v]);
        }
        if (v.length < 20 || v.length > 30) {
          throw TIMESTAMP_ERROR;
        }
        const d = new Date(v);
        const t = d.getTime();
        if (t <= 253402300799999 && t >= -62135596800000) {
          return d;
        }
        throw TIMESTAMP_ERROR;
      },
      [A],
    );
  }

  stringTest(
    name: 'startsWith' | 'endsWith' | 'contains',
    receiver: CelNode,
    arg: CelNode,
    scope: Scope | undefined,
  ): Compiled {
    const R = this.compile(receiver, scope);
    const A = this.compile(arg, scope);
    const rf = R.fn;
    const af = A.fn;
    const test =
      // eslint-disable-next-line no-nested-ternary
      name === 'startsWith'
        ? (a: string, b: string) => a.startsWith(b)
        : name === 'endsWith'
        ? (a: string, b: string) => a.endsWith(b)
        : (a: string, b: string) => a.includes(b);
    return this.fold(
      s => {
        // cel-js evaluates the argument before the receiver
        const sub = af(s);
        const str = rf(s);
        if (typeof str !== 'string' || typeof sub !== 'string') {
          throw BAIL;
        }
        charge(s, 1 + (str.length >> 6));
        return test(str, sub);
      },
      [R, A],
    );
  }

  matches(receiver: CelNode, source: string, scope: Scope | undefined) {
    const R = this.compile(receiver, scope);
    const rf = R.fn;
    const pattern = new RegExp(source);
    return this.fold(
      s => {
        const str = rf(s);
        if (typeof str !== 'string') {
          throw BAIL;
        }
        charge(s, 1 + (str.length >> 6));
        return pattern.test(str);
      },
      [R],
    );
  }

  comprehension(node: CelNode, scope: Scope | undefined): Compiled {
    const { name, receiver, args } = callParts(node);
    const slot = this.slots++;
    const inner: Scope = { name: args[0].args as string, slot, parent: scope };
    const R = this.compile(receiver!, scope);
    const rf = R.fn;
    const predicate = this.compile(args[1], inner).fn;
    const transform = args[2] ? this.compile(args[2], inner).fn : undefined;
    const items = (v: unknown): unknown[] => {
      if (Array.isArray(v)) {
        return v;
      }
      if (v !== null && typeof v === 'object' && isMapObject(v)) {
        return Object.keys(v);
      }
      throw BAIL;
    };
    let fn: Fn;
    switch (name) {
      case 'all':
      case 'exists': {
        const decided = name === 'exists';
        fn = s => {
          const list = items(rf(s));
          // The first error, reported when no element decides the result.
          let error: Bail | undefined;
          for (let i = 0; i < list.length; i++) {
            if (++s.cost > s.budget) {
              throw BUDGET;
            }
            s.slots[slot] = list[i];
            let v: unknown;
            try {
              v = predicate(s);
            } catch (e) {
              if (!(e instanceof Bail)) {
                throw e;
              }
              error ??= e;
              continue;
            }
            if (v === decided) {
              return decided;
            }
            if (v !== !decided) {
              error ??= BAIL;
            }
          }
          if (error) {
            throw error;
          }
          return !decided;
        };
        break;
      }
      case 'exists_one':
        fn = s => {
          const list = items(rf(s));
          let count = 0;
          for (let i = 0; i < list.length; i++) {
            if (++s.cost > s.budget) {
              throw BUDGET;
            }
            s.slots[slot] = list[i];
            const v = predicate(s);
            if (v === true) {
              count++;
            } else if (v !== false) {
              throw BAIL;
            }
          }
          return count === 1;
        };
        break;
      case 'filter':
        fn = s => {
          const list = items(rf(s));
          const out: unknown[] = [];
          for (let i = 0; i < list.length; i++) {
            if (++s.cost > s.budget) {
              throw BUDGET;
            }
            s.slots[slot] = list[i];
            const v = predicate(s);
            if (v === true) {
              out.push(list[i]);
            } else if (v !== false) {
              throw BAIL;
            }
          }
          return out;
        };
        break;
      default:
        // map(x, t) and map(x, p, t)
        fn = transform
          ? s => {
              const list = items(rf(s));
              const out: unknown[] = [];
              for (let i = 0; i < list.length; i++) {
                if (++s.cost > s.budget) {
                  throw BUDGET;
                }
                s.slots[slot] = list[i];
                const v = predicate(s);
                if (v === true) {
                  out.push(transform(s));
                } else if (v !== false) {
                  throw BAIL;
                }
              }
              return out;
            }
          : s => {
              const list = items(rf(s));
              const out: unknown[] = [];
              for (let i = 0; i < list.length; i++) {
                if (++s.cost > s.budget) {
                  throw BUDGET;
                }
                s.slots[slot] = list[i];
                out.push(predicate(s));
              }
              return out;
            };
    }
    return { fn, isConst: false };
  }

  bind(node: CelNode, scope: Scope | undefined): Compiled {
    const { args } = callParts(node);
    const slot = this.slots++;
    const init = this.compile(args[1], scope).fn;
    const body = this.compile(args[2], {
      name: args[0].args as string,
      slot,
      parent: scope,
    }).fn;
    return {
      fn: s => {
        s.slots[slot] = init(s);
        return body(s);
      },
      isConst: false,
    };
  }
}

/**
 * Compiles a parsed and type-checked expression to closures. Throws UnsupportedNodeError for an
 * expression the closures cannot evaluate; it is then left to the cel-js interpreter.
 */
export function compileNative(
  root: CelNode,
  re: RuleEnvironment,
): NativeProgram {
  const compiler = new Compiler(re);
  const compiled = compiler.compile(root, undefined);
  return {
    fn: compiled.fn,
    slots: compiler.slots,
    delegated: compiler.delegated,
  };
}
