import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { isJsonObject } from '../util/isJsonObject';
import {
  DEFAULT_RULE_CONTEXT_LIMITS,
  ENTITY_FIELD_LENGTHS,
  MAX_SOURCE_NAME,
  RuleContextLimits,
} from './limits';

/** An entity or any other JSON object a rule reads. @public */
export type RuleEntity = Entity | JsonObject;

/** A point in time: a Date, an ISO-8601 string or epoch milliseconds. @public */
export type RuleTimestamp = Date | string | number;

/**
 * What a rule is evaluated against, as JSON. Turned into a {@link RuleContext} by
 * {@link createRuleContext}, once per product.
 * @public
 */
export interface RuleContextInput {
  /** The entity evaluated. */
  entity: RuleEntity;
  /** Its resolved domain; null or missing when it could not be resolved. */
  domain?: RuleEntity | null;
  /** Its resolved owner; null or missing when it could not be resolved. */
  owner?: RuleEntity | null;
  /** The resolved upstream products of its input ports; default none. */
  upstream?: RuleEntity[];
  /** Latest values by fact source; default none. */
  facts?: Record<string, JsonObject>;
  /** When the values of each fact source were observed. */
  observedAt?: Record<string, RuleTimestamp>;
  /** The time of the evaluation; default the current time. */
  now?: RuleTimestamp;
}

/** The variables a rule reads, as the rule engine holds them. @public */
export interface RuleVariables {
  entity: RuleEntity;
  domain: RuleEntity | null;
  owner: RuleEntity | null;
  upstream: RuleEntity[];
  facts: Record<string, JsonObject>;
  observedAt: Record<string, Date>;
  now: Date;
}

/**
 * A context ready for evaluation: create it once per product with {@link createRuleContext} and
 * evaluate every rule against it.
 * @public
 */
export interface RuleContext {
  readonly variables: Readonly<RuleVariables>;
}

/** A context that cannot be evaluated, e.g. too many upstream products. @public */
export class RuleContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleContextError';
  }
}

function toDate(value: unknown, what: string): Date {
  let time: number;
  if (value instanceof Date) {
    time = value.getTime();
    if (!Number.isNaN(time)) {
      return value;
    }
  } else if (typeof value === 'number') {
    time = value;
  } else if (typeof value === 'string') {
    time = new Date(value).getTime();
  } else {
    time = NaN;
  }
  if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) {
    throw new RuleContextError(`${what} is not a valid timestamp`);
  }
  return new Date(time);
}

function optionalEntity(value: unknown, what: string): RuleEntity | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (!isJsonObject(value)) {
    throw new RuleContextError(`${what} must be an object or null`);
  }
  return value as RuleEntity;
}

/** observedAt with its values as timestamps. */
function toTimestamps(
  observedAt: Record<string, RuleTimestamp>,
): Record<string, Date> {
  const out: Record<string, Date> = {};
  for (const source of Object.keys(observedAt)) {
    out[source] = toDate(observedAt[source], `observedAt.${source}`);
  }
  return out;
}

/** The variables, with observedAt parsed when a rule first reads it: most rules do not. */
export class Variables implements RuleVariables {
  #observedAt?: Record<string, Date>;

  constructor(
    readonly entity: RuleEntity,
    readonly domain: RuleEntity | null,
    readonly owner: RuleEntity | null,
    readonly upstream: RuleEntity[],
    readonly facts: Record<string, JsonObject>,
    readonly rawObservedAt: Record<string, RuleTimestamp>,
    readonly now: Date,
  ) {}

  get observedAt(): Record<string, Date> {
    return (this.#observedAt ??= toTimestamps(this.rawObservedAt));
  }
}

/** Deepest nesting of JSON values the context accepts. */
const MAX_JSON_DEPTH = 256;

// The builtins the walks below call for every value, read once: where the rules run in a vm
// context (jest's sandbox, where `yarn bench` measures them), each global lookup is a call
// into Node.
const { isArray } = Array;
const { getPrototypeOf, keys: keysOf, prototype: OBJECT_PROTOTYPE } = Object;

/** Why a value breaks the limits, thrown while measuring it. */
class Oversize {
  constructor(readonly message: string) {}
}

/** Walks JSON, keeping the path to the current value for messages only. */
class Measure {
  size = 0;
  private readonly path: Array<string | number> = [];

  constructor(
    private readonly root: string,
    private readonly maxItems: number,
    private readonly limit: number,
    private readonly what: string,
  ) {}

  private at(): string {
    return this.path.reduce<string>(
      (at, key) => (typeof key === 'number' ? `${at}[${key}]` : `${at}.${key}`),
      this.root,
    );
  }

  visit(v: unknown): void {
    this.size += 1;
    if (typeof v === 'string') {
      this.size += v.length;
    } else if (isArray(v)) {
      this.items(v.length, 'items');
      for (let i = 0; i < v.length; i++) {
        this.path.push(i);
        this.visit(v[i]);
        this.path.pop();
      }
    } else if (typeof v === 'object' && v !== null) {
      const prototype = getPrototypeOf(v);
      if (prototype !== OBJECT_PROTOTYPE && prototype !== null) {
        throw new Oversize(`${this.at()} is not JSON`);
      }
      const keys = keysOf(v);
      this.items(keys.length, 'entries');
      for (const key of keys) {
        this.size += 1 + key.length;
        const child = (v as Record<string, unknown>)[key];
        if (child !== undefined) {
          this.path.push(key);
          this.visit(child);
          this.path.pop();
        }
      }
    } else if (
      v !== null &&
      v !== undefined &&
      typeof v !== 'number' &&
      typeof v !== 'boolean'
    ) {
      throw new Oversize(`${this.at()} is not JSON`);
    }
    if (this.size > this.limit) {
      throw new Oversize(
        `${this.root} is larger than the limit of ${this.limit} (${this.what}: one per JSON value and per character)`,
      );
    }
  }

  private items(count: number, what: string): void {
    if (count > this.maxItems) {
      throw new Oversize(
        `${this.at()} has ${count} ${what}, more than the limit of ${
          this.maxItems
        }`,
      );
    }
    if (this.path.length > MAX_JSON_DEPTH) {
      throw new Oversize(
        `${this.at()} is nested more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
  }
}

/**
 * The size of a JSON value, or -1 when it breaks a limit: the fast walk for the common case,
 * without the path {@link Measure} keeps for messages.
 */
function sizeOf(
  v: unknown,
  maxItems: number,
  depth: number,
  budget: number,
): number {
  if (typeof v === 'string') return 1 + v.length;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return 1;
  if (typeof v !== 'object' || depth > MAX_JSON_DEPTH) return -1;
  let size = 1;
  if (isArray(v)) {
    if (v.length > maxItems) return -1;
    for (let i = 0; i < v.length && size <= budget; i++) {
      const item = v[i];
      const s =
        item === undefined
          ? 1
          : sizeOf(item, maxItems, depth + 1, budget - size);
      if (s < 0) return -1;
      size += s;
    }
    return size;
  }
  const prototype = getPrototypeOf(v);
  if (prototype !== OBJECT_PROTOTYPE && prototype !== null) return -1;
  const keys = keysOf(v);
  if (keys.length > maxItems) return -1;
  for (let i = 0; i < keys.length && size <= budget; i++) {
    const key = keys[i];
    size += 1 + key.length;
    const child = (v as Record<string, unknown>)[key];
    if (child !== undefined) {
      const s = sizeOf(child, maxItems, depth + 1, budget - size);
      if (s < 0) return -1;
      size += s;
    }
  }
  return size;
}

/**
 * The size of a JSON value as rules are charged for it: one per value, plus one per character
 * of its strings and keys. Throws an {@link Oversize} for a list or object with more than
 * `maxItems` items, a size over `limit` or a value that is not JSON (a Date, a Map...): the
 * cost of a rule is estimated from these bounds.
 */
function measure(
  value: unknown,
  path: string,
  maxItems: number,
  limit: number,
  what: string,
): number {
  const size = value === undefined ? 1 : sizeOf(value, maxItems, 0, limit);
  if (size >= 0 && size <= limit) {
    return size;
  }
  // Walk again, to say where.
  const walk = new Measure(path, maxItems, limit, what);
  walk.visit(value);
  return walk.size;
}

const ENTITY_FIELDS = Object.entries(ENTITY_FIELD_LENGTHS).map(
  ([field, length]) => ({ field, keys: field.split('.'), length }),
);

/** An entity's size, its identifying fields within the lengths the catalog allows. */
function measureEntity(
  entity: unknown,
  path: string,
  limits: RuleContextLimits,
): number {
  for (const { field, keys, length } of ENTITY_FIELDS) {
    let value: unknown = entity;
    for (const key of keys) {
      value =
        isJsonObject(value) && Object.prototype.hasOwnProperty.call(value, key)
          ? value[key]
          : undefined;
    }
    if (typeof value === 'string') {
      if (value.length > length) {
        throw new Oversize(
          `${path}.${field} is ${value.length} characters long, more than the limit of ${length}`,
        );
      }
    } else if (value !== undefined) {
      try {
        measure(value, path, limits.maxItems, length + 1, '');
      } catch (e) {
        throw e instanceof Oversize
          ? new Oversize(
              `${path}.${field} is larger than a string of ${length} characters`,
            )
          : e;
      }
    }
  }
  return measure(
    entity,
    path,
    limits.maxItems,
    limits.maxEntitySize,
    'maxEntitySize',
  );
}

/**
 * Sizes of the entities of contexts (the product, its domain, owner and upstream products),
 * which many products share in one evaluation pass, a product being the upstream product of
 * others: measured once per object and limits. A context reads its inputs in place: an entity
 * must not change once a context holding it has been evaluated.
 */
const sharedSizes = new WeakMap<
  object,
  | { limits: RuleContextLimits; size: number }
  | { limits: RuleContextLimits; problem: string }
>();

function measureShared(
  entity: object,
  limits: RuleContextLimits,
  path: string,
): number {
  const known = sharedSizes.get(entity);
  if (known?.limits === limits) {
    if ('problem' in known) {
      throw new Oversize(`${path}${known.problem}`);
    }
    return known.size;
  }
  try {
    const size = measureEntity(entity, '', limits);
    sharedSizes.set(entity, { limits, size });
    return size;
  } catch (e) {
    if (e instanceof Oversize) {
      sharedSizes.set(entity, { limits, problem: e.message });
      throw new Oversize(`${path}${e.message}`);
    }
    throw e;
  }
}

/** Why a variable of the context breaks its limits, or undefined. */
function variableProblem(
  variables: Variables,
  name: string,
  limits: RuleContextLimits,
): string | undefined {
  try {
    switch (name) {
      // In a pass, a product is also an upstream product of others: measured once.
      case 'entity':
      case 'domain':
      case 'owner': {
        const entity = variables[name];
        if (entity !== null) {
          measureShared(entity, limits, name);
        }
        return undefined;
      }
      case 'upstream': {
        let total = 0;
        variables.upstream.forEach((product, i) => {
          total += measureShared(product, limits, `upstream[${i}]`);
        });
        if (total > limits.maxUpstreamSize) {
          throw new Oversize(
            `upstream is larger than the limit of ${limits.maxUpstreamSize} (maxUpstreamSize: one per JSON value and per character)`,
          );
        }
        return undefined;
      }
      case 'facts': {
        let total = 1;
        for (const [source, values] of Object.entries(variables.facts)) {
          total += 1 + source.length;
          total += measure(
            values,
            `facts.${source}`,
            limits.maxItems,
            limits.maxFactsSize,
            'maxFactsSize',
          );
        }
        if (total > limits.maxFactsSize) {
          throw new Oversize(
            `facts is larger than the limit of ${limits.maxFactsSize} (maxFactsSize: one per JSON value and per character)`,
          );
        }
        return undefined;
      }
      case 'observedAt': {
        const sources = Object.keys(variables.rawObservedAt);
        if (sources.length > limits.maxFactSources) {
          throw new Oversize(
            `observedAt has ${sources.length} sources, more than the limit of ${limits.maxFactSources}`,
          );
        }
        const long = sources.find(s => s.length > MAX_SOURCE_NAME);
        if (long !== undefined) {
          throw new Oversize(
            `observedAt has a source name longer than ${MAX_SOURCE_NAME} characters`,
          );
        }
        return undefined;
      }
      default:
        return undefined;
    }
  } catch (e) {
    if (e instanceof Oversize) {
      return e.message;
    }
    throw e;
  }
}

/**
 * A context ready for evaluation. Each variable is measured against the limits when a rule
 * first reads it: one that breaks them makes the rules reading it end in an error, and no
 * other.
 */
export class RuleContextImpl implements RuleContext {
  /** Per variable: null when within the limits, why not otherwise; unset until measured. */
  private readonly problems: Record<string, string | null> =
    Object.create(null);

  constructor(
    readonly variables: Variables,
    readonly limits: Readonly<RuleContextLimits>,
  ) {}

  /** Why a variable cannot be evaluated, or undefined; measured once. */
  problem(name: string): string | undefined {
    let problem = this.problems[name];
    if (problem === undefined) {
      problem = variableProblem(this.variables, name, this.limits) ?? null;
      this.problems[name] = problem;
    }
    return problem ?? undefined;
  }
}

const contextLimitsByKey = new Map<string, Readonly<RuleContextLimits>>();

/** The context limits with overrides, one object per distinct set (compared by identity). */
export function contextLimits(
  overrides?: Partial<RuleContextLimits>,
): Readonly<RuleContextLimits> {
  if (!overrides) {
    return DEFAULT_RULE_CONTEXT_LIMITS;
  }
  const limits = { ...DEFAULT_RULE_CONTEXT_LIMITS, ...overrides };
  const key = JSON.stringify(limits);
  let known = contextLimitsByKey.get(key);
  if (!known) {
    known = Object.freeze(limits);
    contextLimitsByKey.set(key, known);
  }
  return known;
}

/**
 * Prepares the context of one product for evaluation. JSON values are used as they are, without
 * copying: JSON numbers are CEL doubles (the CEL JSON mapping), so `size(x) >= 20`,
 * `availability >= 99` and `facts.ci.testsFailed == 0` all work, while arithmetic with a number
 * read from JSON needs a double literal (`x + 1.0`) or a conversion (`int(x) + 1`). Timestamps
 * become CEL timestamps (observedAt when a rule first reads it; a rule reading an invalid one
 * ends in an error). Throws a {@link RuleContextError} for a context whose shape is wrong or
 * that has too many upstream products or fact sources; a variable whose JSON breaks the other
 * limits (too many items, too large) makes the rules that read it end in an error.
 * @public
 */
export function createRuleContext(
  input: RuleContextInput,
  limits?: Partial<RuleContextLimits>,
): RuleContext {
  const bounds = contextLimits(limits);
  const { maxUpstream, maxFactSources } = bounds;
  if (!input || !isJsonObject(input.entity)) {
    throw new RuleContextError('entity must be an object');
  }
  const upstream = input.upstream ?? [];
  if (!Array.isArray(upstream)) {
    throw new RuleContextError('upstream must be a list');
  }
  if (upstream.length > maxUpstream) {
    throw new RuleContextError(
      `upstream has ${upstream.length} products, more than the limit of ${maxUpstream}`,
    );
  }
  for (let i = 0; i < upstream.length; i++) {
    if (!isJsonObject(upstream[i])) {
      throw new RuleContextError(`upstream[${i}] must be an object`);
    }
  }

  const facts = input.facts ?? {};
  if (!isJsonObject(facts)) {
    throw new RuleContextError('facts must be an object');
  }
  const sources = Object.keys(facts);
  if (sources.length > maxFactSources) {
    throw new RuleContextError(
      `facts has ${sources.length} sources, more than the limit of ${maxFactSources}`,
    );
  }
  for (const source of sources) {
    if (!isJsonObject(facts[source])) {
      throw new RuleContextError(`facts.${source} must be an object`);
    }
  }

  const rawObservedAt = input.observedAt ?? {};
  if (!isJsonObject(rawObservedAt)) {
    throw new RuleContextError('observedAt must be an object');
  }
  const variables = new Variables(
    input.entity,
    optionalEntity(input.domain, 'domain'),
    optionalEntity(input.owner, 'owner'),
    upstream,
    facts,
    rawObservedAt,
    input.now === undefined ? new Date() : toDate(input.now, 'now'),
  );
  return new RuleContextImpl(variables, bounds);
}

/** The context itself when it is one, else a new one from the input. */
export function toRuleContext(
  context: RuleContext | RuleContextInput,
): RuleContextImpl {
  if (context instanceof RuleContextImpl) {
    return context;
  }
  return createRuleContext(context as RuleContextInput) as RuleContextImpl;
}
