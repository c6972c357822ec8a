import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
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

/** A JSON object (rules see anything else as an error). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  if (!isPlainObject(value)) {
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

/** Why a value breaks the limits, thrown while measuring it. */
class Oversize {
  constructor(readonly message: string) {}
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
  let size = 0;
  const visit = (v: unknown, at: () => string, depth: number): void => {
    size += 1;
    if (typeof v === 'string') {
      size += v.length;
    } else if (Array.isArray(v)) {
      if (v.length > maxItems) {
        throw new Oversize(
          `${at()} has ${v.length} items, more than the limit of ${maxItems}`,
        );
      }
      for (let i = 0; i < v.length; i++) {
        visit(v[i], () => `${at()}[${i}]`, depth + 1);
      }
    } else if (typeof v === 'object' && v !== null) {
      const prototype = Object.getPrototypeOf(v);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new Oversize(`${at()} is not JSON`);
      }
      const keys = Object.keys(v);
      if (keys.length > maxItems) {
        throw new Oversize(
          `${at()} has ${
            keys.length
          } entries, more than the limit of ${maxItems}`,
        );
      }
      if (depth > MAX_JSON_DEPTH) {
        throw new Oversize(
          `${at()} is nested more than ${MAX_JSON_DEPTH} levels deep`,
        );
      }
      for (const key of keys) {
        size += 1 + key.length;
        const child = (v as Record<string, unknown>)[key];
        if (child !== undefined) {
          visit(child, () => `${at()}.${key}`, depth + 1);
        }
      }
    } else if (
      v !== null &&
      v !== undefined &&
      typeof v !== 'number' &&
      typeof v !== 'boolean'
    ) {
      throw new Oversize(`${at()} is not JSON`);
    }
    if (size > limit) {
      throw new Oversize(
        `${path} is larger than the limit of ${limit} (${what}: one per JSON value and per character)`,
      );
    }
  };
  visit(value, () => path, 0);
  return size;
}

/** An entity's size, its identifying fields within the lengths the catalog allows. */
function measureEntity(
  entity: unknown,
  path: string,
  limits: RuleContextLimits,
): number {
  for (const [field, length] of Object.entries(ENTITY_FIELD_LENGTHS)) {
    let value: unknown = entity;
    for (const key of field.split('.')) {
      value =
        isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, key)
          ? value[key]
          : undefined;
    }
    if (typeof value === 'string' && value.length > length) {
      throw new Oversize(
        `${path}.${field} is ${value.length} characters long, more than the limit of ${length}`,
      );
    }
    if (value !== undefined && typeof value !== 'string') {
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

/** Why a variable of the context breaks its limits, or undefined. */
function variableProblem(
  variables: Variables,
  name: string,
  limits: RuleContextLimits,
): string | undefined {
  try {
    switch (name) {
      case 'entity':
      case 'domain':
      case 'owner': {
        const entity = variables[name];
        if (entity !== null) {
          measureEntity(entity, name, limits);
        }
        return undefined;
      }
      case 'upstream': {
        let total = 0;
        variables.upstream.forEach((product, i) => {
          total += measureEntity(product, `upstream[${i}]`, limits);
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
  readonly #problems = new Map<string, string | undefined>();

  constructor(
    readonly variables: Variables,
    readonly limits: Readonly<RuleContextLimits>,
  ) {}

  /** Why a variable cannot be evaluated, or undefined; measured once. */
  problem(name: string): string | undefined {
    if (!this.#problems.has(name)) {
      this.#problems.set(
        name,
        variableProblem(this.variables, name, this.limits),
      );
    }
    return this.#problems.get(name);
  }
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
  const bounds: Readonly<RuleContextLimits> = limits
    ? { ...DEFAULT_RULE_CONTEXT_LIMITS, ...limits }
    : DEFAULT_RULE_CONTEXT_LIMITS;
  const { maxUpstream, maxFactSources } = bounds;
  if (!input || !isPlainObject(input.entity)) {
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
    if (!isPlainObject(upstream[i])) {
      throw new RuleContextError(`upstream[${i}] must be an object`);
    }
  }

  const facts = input.facts ?? {};
  if (!isPlainObject(facts)) {
    throw new RuleContextError('facts must be an object');
  }
  const sources = Object.keys(facts);
  if (sources.length > maxFactSources) {
    throw new RuleContextError(
      `facts has ${sources.length} sources, more than the limit of ${maxFactSources}`,
    );
  }
  for (const source of sources) {
    if (!isPlainObject(facts[source])) {
      throw new RuleContextError(`facts.${source} must be an object`);
    }
  }

  const rawObservedAt = input.observedAt ?? {};
  if (!isPlainObject(rawObservedAt)) {
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
