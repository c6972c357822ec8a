import { CelNode, callParts, isBind, isComprehension } from './ast';
import { ROOT_VARIABLES, rulePattern } from './environment';
import {
  ENTITY_FIELD_LENGTHS,
  MAX_SOURCE_NAME,
  RuleContextLimits,
  RuleLimits,
} from './limits';

/*
 * What a rule may cost, found before it ever runs, the way cel-go estimates cost: every
 * expression gets an upper bound of its cost and of the size of its value, from the sizes the
 * context limits allow. A comprehension over a list of at most N items costs N times its body,
 * so nesting multiplies. One unit is one step of the cel-js interpreter (about 0.1 µs on Node
 * 20); work proportional to data is charged per unit of size (one per JSON value plus one per
 * character).
 *
 * Costs and sizes are linear in the sizes of the comprehension and bind variables in scope
 * (`Lin`), so that a comprehension reading each element's strings once is charged the size of
 * the list, not N times the largest string: the elements of a list are disjoint parts of it.
 *
 * The same walk checks what makes a rule unsafe rather than slow: comprehensions nested too
 * deep, `matches()` patterns that are not RE2 literals, and field access on values that are
 * not data (a timestamp's or duration's fields are its prototype's: `now.__proto__`).
 */

/** Charged per unit of size searched, compared, copied or parsed by native code. */
const SCAN = 1 / 16;
/** `size()` of a string counts its code points one by one in JavaScript. */
const COUNT = 1 / 4;
/** Each iteration of a comprehension, besides its body. */
const ITERATION = 2;
/** RE2JS per character: a base, plus a share of the compiled program it simulates. */
const REGEX_PER_CHAR = 3;
const REGEX_INSTRUCTIONS_PER_UNIT = 32;
/** A timestamp getter with a time zone builds an Intl formatter. */
const TIME_ZONE = 200;
/** Size of a number or date printed by string(). */
const PRINTED = 32;

type Terms = ReadonlyMap<number, number>;
const NO_TERMS: Terms = new Map();

/** `c + Σ coef·|v|` over variables v in scope: an upper bound, all coefficients ≥ 0. */
class Lin {
  static readonly ONE = new Lin(1);

  constructor(readonly c: number, readonly terms: Terms = NO_TERMS) {}

  static of(c: number): Lin {
    return new Lin(c);
  }

  static variable(id: number): Lin {
    return new Lin(0, new Map([[id, 1]]));
  }

  plus(other: Lin | number): Lin {
    if (typeof other === 'number') {
      return new Lin(this.c + other, this.terms);
    }
    if (other.terms.size === 0) {
      return new Lin(this.c + other.c, this.terms);
    }
    const terms = new Map(this.terms);
    for (const [id, k] of other.terms) {
      terms.set(id, (terms.get(id) ?? 0) + k);
    }
    return new Lin(this.c + other.c, terms);
  }

  times(k: number): Lin {
    if (k === 0) {
      return new Lin(0);
    }
    const terms = new Map<number, number>();
    for (const [id, coef] of this.terms) {
      terms.set(id, coef * k);
    }
    return new Lin(this.c * k, terms);
  }

  /** A bound of both: the larger coefficient of each term. */
  max(other: Lin): Lin {
    const terms = new Map(this.terms);
    for (const [id, k] of other.terms) {
      terms.set(id, Math.max(terms.get(id) ?? 0, k));
    }
    return new Lin(Math.max(this.c, other.c), terms);
  }

  /** The coefficient of a variable, and the rest. */
  split(id: number): [number, Lin] {
    const coef = this.terms.get(id) ?? 0;
    if (coef === 0) {
      return [0, this];
    }
    const terms = new Map(this.terms);
    terms.delete(id);
    return [coef, new Lin(this.c, terms)];
  }

  /** The bound with every variable at its largest size. */
  bound(largest: ReadonlyMap<number, number>): number {
    let total = this.c;
    for (const [id, k] of this.terms) {
      total += k * (largest.get(id) ?? Infinity);
    }
    return total;
  }
}

type Kind =
  | 'string'
  | 'bytes'
  | 'list'
  | 'map'
  | 'scalar'
  /** A timestamp, duration or type: values whose fields are their class's. */
  | 'opaque'
  | 'dyn';

/** What is known of an expression before it runs. */
interface Estimate {
  /** Cost of evaluating it. */
  cost: Lin;
  /** Size of its value. */
  size: Lin;
  kind: Kind;
  /** Most elements or entries of its value, when a list or map. */
  items: number;
  /** Most elements or entries of any list or map inside its value. */
  inner: number;
  /**
   * How many levels of field access and indexing are safe: they reach data (JSON, list and
   * map literals), never a class's prototype. Infinity for data, 0 for a timestamp.
   */
  reach: number;
  /** Its path inside an entity (entity, domain, owner or an upstream product), if it is one. */
  path?: string;
  /** When a list of entities (upstream): the path of its elements. */
  elementPath?: string;
}

/** A problem found in an expression, at an offset. */
export interface AnalysisProblem {
  message: string;
  offset?: number;
}

/** What a rule's expression may cost, and what it reads. */
export interface Analysis {
  problems: AnalysisProblem[];
  /** Its worst-case cost on any context within the limits. */
  cost: number;
  /** The context variables it reads. */
  roots: Set<string>;
  /** The string literals that are patterns of `matches()`. */
  patterns: CelNode[];
}

function scalar(cost: Lin): Estimate {
  return {
    cost,
    size: Lin.ONE,
    kind: 'scalar',
    items: 0,
    inner: 0,
    reach: Infinity,
  };
}

function opaque(cost: Lin): Estimate {
  return { ...scalar(cost), kind: 'opaque', reach: 0 };
}

function sameOrDyn<T>(a: T, b: T, dyn: T): T {
  return a === b ? a : dyn;
}

const TIMESTAMP_GETTERS = new Set([
  'getDate',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getFullYear',
  'getHours',
  'getMilliseconds',
  'getMinutes',
  'getMonth',
  'getSeconds',
]);

function formatCount(n: number): string {
  return Number.isFinite(n)
    ? Math.ceil(n).toLocaleString('en-US')
    : 'an unbounded amount';
}

class Analyzer {
  readonly problems: AnalysisProblem[] = [];
  readonly roots = new Set<string>();
  readonly patterns: CelNode[] = [];
  /** The smallest sub-expression that may cost more than the budget. */
  overBudgetAt?: number;
  /** The largest size of each variable. */
  readonly largest = new Map<number, number>();
  private readonly scope: Array<{ name: string; estimate: Estimate }> = [];
  private nextId = 0;

  constructor(
    private readonly limits: RuleLimits,
    private readonly context: RuleContextLimits,
  ) {}

  problem(message: string, offset?: number): Estimate {
    this.problems.push({ message, offset });
    return scalar(Lin.ONE);
  }

  private bound(lin: Lin): number {
    return lin.bound(this.largest);
  }

  /** The smaller of two bounds of the same quantity. */
  private smaller(a: Lin, b: Lin): Lin {
    return this.bound(a) <= this.bound(b) ? a : b;
  }

  private root(name: string): Estimate {
    const c = this.context;
    const data = (size: number, kind: Kind, items: number): Estimate => ({
      cost: Lin.ONE,
      size: Lin.of(size),
      kind,
      items,
      inner: c.maxItems,
      reach: Infinity,
    });
    switch (name) {
      case 'entity':
        return { ...data(c.maxEntitySize, 'map', c.maxItems), path: '' };
      case 'domain':
      case 'owner':
        return { ...data(c.maxEntitySize, 'dyn', c.maxItems), path: '' };
      case 'upstream':
        return {
          ...data(c.maxUpstreamSize, 'list', c.maxUpstream),
          elementPath: '',
        };
      case 'facts':
        return data(c.maxFactsSize, 'map', c.maxFactSources);
      case 'observedAt':
        // Keys are source names; values timestamps, whose fields are not data.
        return {
          cost: Lin.ONE,
          size: Lin.of(1 + c.maxFactSources * (MAX_SOURCE_NAME + 2)),
          kind: 'map',
          items: c.maxFactSources,
          inner: 0,
          reach: 1,
        };
      default:
        // now, and the `cel` namespace of cel.bind
        return opaque(Lin.ONE);
    }
  }

  private bind(name: string, estimate: Estimate): number {
    const id = this.nextId++;
    this.scope.push({
      name,
      estimate: { ...estimate, size: Lin.variable(id) },
    });
    return id;
  }

  private unbind(): void {
    this.scope.pop();
  }

  private identifier(name: string): Estimate {
    for (let i = this.scope.length - 1; i >= 0; i--) {
      if (this.scope[i].name === name) {
        return this.scope[i].estimate;
      }
    }
    if (ROOT_VARIABLES.has(name)) {
      this.roots.add(name);
    }
    return this.root(name);
  }

  private literal(value: unknown): Estimate {
    if (typeof value === 'string') {
      return {
        ...scalar(Lin.ONE),
        kind: 'string',
        size: Lin.of(1 + value.length),
      };
    }
    if (value instanceof Uint8Array) {
      return {
        ...scalar(Lin.ONE),
        kind: 'bytes',
        size: Lin.of(1 + value.length),
      };
    }
    return scalar(Lin.ONE);
  }

  /** A field or element of `object`: `object.field`, `object[key]`. */
  private member(
    node: CelNode,
    object: Estimate,
    cost: Lin,
    name: string,
    path: string | undefined,
  ): Estimate {
    if (object.reach <= 0) {
      return this.problem(
        `${name} cannot be read from a timestamp, duration or type: they have no fields`,
        node.pos,
      );
    }
    const capped =
      path !== undefined &&
      Object.prototype.hasOwnProperty.call(ENTITY_FIELD_LENGTHS, path)
        ? ENTITY_FIELD_LENGTHS[path]
        : undefined;
    return {
      cost: cost.plus(1),
      size: capped === undefined ? object.size : Lin.of(capped + 1),
      kind: 'dyn',
      items: object.inner,
      inner: object.inner,
      reach: object.reach - 1,
      path,
    };
  }

  private select(node: CelNode): Estimate {
    const [objectNode, field] = node.args as [CelNode, string];
    if (field === '__proto__') {
      // Never a key of data a rule may read (JSON.parse keeps it as an own key, readable
      // with entity['__proto__']), and on a timestamp or duration, their prototype.
      this.problem('__proto__ is not a field a rule may read', node.pos);
    }
    const object = this.estimate(objectNode);
    const path =
      object.path === undefined
        ? undefined
        : `${object.path ? `${object.path}.` : ''}${field}`;
    return this.member(node, object, object.cost, `.${field}`, path);
  }

  private index(node: CelNode): Estimate {
    const [objectNode, keyNode] = node.args as [CelNode, CelNode];
    const object = this.estimate(objectNode);
    const key = this.estimate(keyNode);
    let path: string | undefined;
    if (keyNode.op === 'value' && typeof keyNode.args === 'string') {
      path =
        object.path === undefined
          ? undefined
          : `${object.path ? `${object.path}.` : ''}${keyNode.args}`;
    } else {
      path = object.elementPath;
    }
    return this.member(
      node,
      object,
      object.cost.plus(key.cost).plus(key.size.times(SCAN)),
      'a key',
      path,
    );
  }

  private aggregate(node: CelNode, entries: CelNode[][]): Estimate {
    let cost = Lin.ONE;
    let size = Lin.ONE;
    let inner = 0;
    let reach = Infinity;
    for (const entry of entries) {
      const parts = entry.map(e => this.estimate(e));
      const value = parts[parts.length - 1];
      for (const part of parts) {
        cost = cost.plus(part.cost).plus(1);
        size = size.plus(part.size);
      }
      inner = Math.max(inner, value.items, value.inner);
      reach = Math.min(reach, value.reach);
    }
    return {
      cost,
      size,
      kind: node.op === 'list' ? 'list' : 'map',
      items: entries.length,
      inner,
      reach: reach + 1,
    };
  }

  private comprehension(node: CelNode, depth: number): Estimate {
    const { name, receiver, args } = callParts(node);
    const range = this.estimate(receiver!, depth);
    const largest = this.bound(range.size);
    const iterations = Math.min(range.items, largest);
    const id = this.bind(args[0].args as string, {
      cost: Lin.ONE,
      size: Lin.ONE,
      kind: 'dyn',
      items: range.inner,
      inner: range.inner,
      reach: range.reach - 1,
      path: range.elementPath,
    });
    this.largest.set(
      id,
      range.elementPath === undefined
        ? largest
        : Math.min(largest, this.context.maxEntitySize),
    );
    const bodies = args.slice(1).map(arg => this.estimate(arg, depth + 1));
    this.unbind();
    // Per iteration: the body, whose terms in |x| add up to at most the size of the range.
    const perIteration = bodies.reduce(
      (sum, body) => sum.plus(body.cost),
      Lin.of(ITERATION),
    );
    const [perElement, fixed] = perIteration.split(id);
    const cost = range.cost
      .plus(1)
      .plus(fixed.times(iterations))
      .plus(range.size.times(perElement));
    if (name === 'filter') {
      return {
        ...range,
        cost,
        kind: 'list',
        items: iterations,
        path: undefined,
      };
    }
    if (name === 'map') {
      const transform = bodies[bodies.length - 1];
      const [sizePerElement, sizeFixed] = transform.size.split(id);
      return {
        cost,
        size: Lin.ONE.plus(sizeFixed.times(iterations)).plus(
          range.size.times(sizePerElement),
        ),
        kind: 'list',
        items: iterations,
        inner: Math.max(transform.items, transform.inner),
        reach: transform.reach + 1,
        elementPath: transform.path,
      };
    }
    return scalar(cost);
  }

  private celBind(node: CelNode, depth: number): Estimate {
    const { args } = callParts(node);
    const init = this.estimate(args[1], depth);
    const id = this.bind(args[0].args as string, init);
    this.largest.set(id, this.bound(init.size));
    const body = this.estimate(args[2], depth + 1);
    this.unbind();
    const substitute = (lin: Lin) => {
      const [k, rest] = lin.split(id);
      return rest.plus(init.size.times(k));
    };
    return {
      ...body,
      cost: init.cost.plus(substitute(body.cost)).plus(1),
      size: substitute(body.size),
    };
  }

  private matches(node: CelNode, receiver: Estimate, args: CelNode[]) {
    const pattern = args[0];
    if (pattern?.op !== 'value' || typeof pattern.args !== 'string') {
      return this.problem(
        'the pattern of matches() must be a string literal',
        pattern?.range.start ?? node.pos,
      );
    }
    let instructions: number;
    try {
      instructions = rulePattern(pattern.args).re.programSize();
    } catch (e) {
      return this.problem(
        `invalid regular expression: ${String((e as Error).message).replace(
          /^error parsing regexp: /,
          '',
        )}`,
        pattern.pos,
      );
    }
    this.patterns.push(pattern);
    return scalar(
      receiver.cost
        .plus(2)
        .plus(
          receiver.size.times(
            REGEX_PER_CHAR + instructions / REGEX_INSTRUCTIONS_PER_UNIT,
          ),
        ),
    );
  }

  private call(node: CelNode, depth: number): Estimate {
    if (isComprehension(node) || isBind(node)) {
      if (depth + 1 > this.limits.maxComprehensionNesting) {
        return this.problem(
          `comprehensions are nested more than ${this.limits.maxComprehensionNesting} deep`,
          node.pos,
        );
      }
      return isBind(node)
        ? this.celBind(node, depth)
        : this.comprehension(node, depth);
    }
    const { name, receiver: receiverNode, args: argNodes } = callParts(node);
    if (name === 'has' && !receiverNode) {
      return scalar(this.estimate(argNodes[0], depth).cost.plus(1));
    }
    const receiver = receiverNode && this.estimate(receiverNode, depth);
    if (name === 'matches' && receiver) {
      return this.matches(node, receiver, argNodes);
    }
    const args = argNodes.map(arg => this.estimate(arg, depth));
    const operands = receiver ? [receiver, ...args] : args;
    const x = operands[0];
    const cost = operands.reduce((sum, o) => sum.plus(o.cost), Lin.ONE);
    const scan = (coef: number, ...of: Estimate[]) =>
      of.reduce((sum, o) => sum.plus(o.size.times(coef)), cost);
    switch (name) {
      case 'size': {
        const counted: Record<Kind, number> = {
          list: 0,
          bytes: 0,
          scalar: 0,
          opaque: 0,
          map: SCAN,
          string: COUNT,
          dyn: COUNT,
        };
        return scalar(scan(counted[x.kind], x));
      }
      case 'dyn':
        return { ...x, cost };
      case 'type':
        return opaque(cost);
      case 'bool':
      case 'int':
      case 'uint':
      case 'double':
        return scalar(scan(SCAN, x));
      case 'string':
        return {
          ...scalar(scan(SCAN, x)),
          kind: 'string',
          size: x.size.plus(PRINTED),
        };
      case 'bytes':
        return {
          ...scalar(scan(SCAN, x)),
          kind: 'bytes',
          size: x.size.times(4).plus(1),
        };
      case 'timestamp':
      case 'duration':
      case 'isoDuration':
        return opaque(scan(SCAN, x));
      case 'startsWith':
      case 'endsWith':
      case 'contains':
      case 'indexOf':
      case 'lastIndexOf':
        return scalar(scan(SCAN, ...operands));
      case 'lowerAscii':
      case 'upperAscii':
      case 'trim':
      case 'substring':
        return {
          ...scalar(scan(SCAN, x)),
          kind: 'string',
          size: x.size,
        };
      case 'hex':
      case 'base64':
        return {
          ...scalar(scan(SCAN, x)),
          kind: 'string',
          size: x.size.times(2).plus(4),
        };
      case 'split': {
        const parts = this.bound(x.size) + 1;
        return {
          cost: scan(COUNT, ...operands),
          size: x.size.times(2).plus(2),
          kind: 'list',
          items: parts,
          inner: 0,
          reach: Infinity,
        };
      }
      case 'join': {
        const separator = args[0]?.size ?? Lin.of(0);
        const parts = Math.min(x.items, this.bound(x.size));
        const size = x.size.plus(separator.times(parts));
        return {
          ...scalar(cost.plus(size.times(SCAN))),
          kind: 'string',
          size,
        };
      }
      case 'json': {
        const items = this.bound(x.size);
        return {
          cost: scan(COUNT, x),
          size: x.size,
          kind: 'map',
          items,
          inner: items,
          reach: Infinity,
        };
      }
      case 'at':
        return scalar(cost);
      default:
        if (TIMESTAMP_GETTERS.has(name) && receiver) {
          return scalar(args.length ? cost.plus(TIME_ZONE) : cost);
        }
        return this.problem(`${name}() has no cost estimate`, node.pos);
    }
  }

  private binary(node: CelNode, depth: number): Estimate {
    const [a, b] = (node.args as CelNode[]).map(n => this.estimate(n, depth));
    const cost = a.cost.plus(b.cost).plus(1);
    switch (node.op) {
      case '&&':
      case '||':
        return scalar(cost);
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        // Compared element by element up to the shorter one.
        return scalar(cost.plus(this.smaller(a.size, b.size).times(SCAN)));
      case 'in': {
        if (b.kind === 'map') {
          return scalar(cost.plus(a.size.times(SCAN)));
        }
        const n = Math.min(b.items, this.bound(b.size));
        const compared = this.smaller(a.size.times(n), b.size);
        return scalar(cost.plus(n).plus(compared.times(SCAN)));
      }
      case '+': {
        const size = a.size.plus(b.size);
        return {
          cost: cost.plus(size.times(SCAN)),
          size,
          kind:
            a.kind === 'opaque' || b.kind === 'opaque'
              ? 'opaque'
              : sameOrDyn(a.kind, b.kind, 'dyn'),
          items: a.items + b.items,
          inner: Math.max(a.inner, b.inner),
          reach: Math.min(a.reach, b.reach),
          elementPath: sameOrDyn(a.elementPath, b.elementPath, undefined),
        };
      }
      default:
        // - * / %: numbers, or timestamps and durations
        return a.kind === 'opaque' || b.kind === 'opaque'
          ? opaque(cost)
          : scalar(cost);
    }
  }

  estimate(node: CelNode, depth = 0): Estimate {
    const estimate = this.estimateNode(node, depth);
    if (
      this.overBudgetAt === undefined &&
      !(this.bound(estimate.cost) <= this.limits.maxEvaluationCost)
    ) {
      this.overBudgetAt = node.pos;
    }
    return estimate;
  }

  private estimateNode(node: CelNode, depth: number): Estimate {
    switch (node.op) {
      case 'value':
        return this.literal(node.args);
      case 'id':
        return this.identifier(node.args as string);
      case '.':
      case '.?':
        return this.select(node);
      case '[]':
      case '[?]':
        return this.index(node);
      case 'list':
        return this.aggregate(
          node,
          (node.args as CelNode[]).map(e => [e]),
        );
      case 'map':
        return this.aggregate(node, node.args as CelNode[][]);
      case 'call':
      case 'rcall':
        return this.call(node, depth);
      case '?:': {
        const [c, a, b] = (node.args as CelNode[]).map(n =>
          this.estimate(n, depth),
        );
        return {
          cost: c.cost.plus(a.cost.max(b.cost)).plus(1),
          size: a.size.max(b.size),
          kind: sameOrDyn(a.kind, b.kind, 'dyn'),
          items: Math.max(a.items, b.items),
          inner: Math.max(a.inner, b.inner),
          reach: Math.min(a.reach, b.reach),
          path: sameOrDyn(a.path, b.path, undefined),
          elementPath: sameOrDyn(a.elementPath, b.elementPath, undefined),
        };
      }
      case '!_':
      case '-_': {
        const operand = this.estimate(node.args as CelNode, depth);
        return operand.kind === 'opaque'
          ? opaque(operand.cost.plus(1))
          : scalar(operand.cost.plus(1));
      }
      default:
        if (Array.isArray(node.args) && node.args.length === 2) {
          return this.binary(node, depth);
        }
        return this.problem(`${node.op} has no cost estimate`, node.pos);
    }
  }
}

/**
 * Analyses a parsed and type-checked expression: its worst-case cost on any context within
 * `contextLimits`, the context variables it reads, its `matches()` patterns (compiled, so a
 * bad one is a problem here), and the problems that make it unsafe.
 */
export function analyzeExpression(
  root: CelNode,
  limits: RuleLimits,
  contextLimits: RuleContextLimits,
): Analysis {
  const analyzer = new Analyzer(limits, contextLimits);
  const estimate = analyzer.estimate(root);
  const cost = estimate.cost.bound(analyzer.largest);
  if (!analyzer.problems.length && !(cost <= limits.maxEvaluationCost)) {
    analyzer.problem(
      `may cost up to ${formatCount(
        cost,
      )} steps on a context within its limits (lists of up to ${
        contextLimits.maxItems
      } items, entities of up to ${
        contextLimits.maxEntitySize
      } characters), more than the budget of ${formatCount(
        limits.maxEvaluationCost,
      )}`,
      analyzer.overBudgetAt,
    );
  }
  return {
    problems: analyzer.problems,
    cost,
    roots: analyzer.roots,
    patterns: analyzer.patterns,
  };
}
