import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { DEFAULT_RULE_CONTEXT_LIMITS, RuleContextLimits } from './limits';

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

/** Mutable per-evaluation state of the compiled closures, reused across rules. */
export interface EvalState {
  v: RuleVariables;
  spec: unknown;
  metadata: unknown;
  /** Values of comprehension and bind variables, by slot. */
  slots: unknown[];
  cost: number;
  budget: number;
}

/** Marks a cached value not computed yet. */
export const UNSET: unique symbol = Symbol('unset');

export class RuleContextImpl implements RuleContext, EvalState {
  slots: unknown[] = [];
  cost = 0;
  budget = 0;
  /** entity.spec and entity.metadata, read by most rules, once per context. */
  spec: unknown = UNSET;
  metadata: unknown = UNSET;

  constructor(readonly v: RuleVariables) {}

  get variables(): RuleVariables {
    return this.v;
  }

  /** The evaluation state of the closures: the context itself. */
  get state(): EvalState {
    return this;
  }
}

/** A JSON object (rules see anything else as an error). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return NaN;
    }
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch milliseconds of a timestamp text. The UTC forms `toISOString()` writes
 * (2026-01-15T12:00:00Z, 2026-01-15T12:00:00.000Z) are read directly, being by far the most
 * common; anything else goes through the Date parser.
 */
export function parseTimestamp(text: string): number {
  const n = text.length;
  if (
    (n === 20 || (n === 24 && text[19] === '.')) &&
    text[4] === '-' &&
    text[7] === '-' &&
    text[10] === 'T' &&
    text[13] === ':' &&
    text[16] === ':' &&
    text[n - 1] === 'Z'
  ) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    const hour = digits(text, 11, 13);
    const minute = digits(text, 14, 16);
    const second = digits(text, 17, 19);
    const ms = n === 24 ? digits(text, 20, 23) : 0;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0) &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      ms >= 0
    ) {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      date.setUTCHours(hour, minute, second, ms);
      return date.getTime();
    }
  }
  return new Date(text).getTime();
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
    time = parseTimestamp(value);
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
    /** observedAt as given; the compiled closures read single sources from it. */
    readonly rawObservedAt: Record<string, RuleTimestamp>,
    readonly now: Date,
  ) {}

  get observedAt(): Record<string, Date> {
    return (this.#observedAt ??= toTimestamps(this.rawObservedAt));
  }
}

/** observedAt.source as a timestamp, or undefined when the source is missing. */
export function observedAtSource(
  variables: RuleVariables,
  source: string,
): Date | undefined {
  const raw = (variables as Variables).rawObservedAt;
  if (raw === undefined) {
    return variables.observedAt[source];
  }
  if (!Object.prototype.hasOwnProperty.call(raw, source)) {
    return undefined;
  }
  return toDate(raw[source], `observedAt.${source}`);
}

/**
 * Prepares the context of one product for evaluation. JSON values are used as they are, without
 * copying: JSON numbers are CEL doubles (the CEL JSON mapping), so `size(x) >= 20`,
 * `availability >= 99` and `facts.ci.testsFailed == 0` all work, while arithmetic with a number
 * read from JSON needs a double literal (`x + 1.0`) or a conversion (`int(x) + 1`). Timestamps
 * become CEL timestamps (observedAt when a rule first reads it; a rule reading an invalid one
 * ends in an error). Throws a {@link RuleContextError} for a context that breaks its bounds.
 * @public
 */
export function createRuleContext(
  input: RuleContextInput,
  limits?: Partial<RuleContextLimits>,
): RuleContext {
  const maxUpstream =
    limits?.maxUpstream ?? DEFAULT_RULE_CONTEXT_LIMITS.maxUpstream;
  const maxFactSources =
    limits?.maxFactSources ?? DEFAULT_RULE_CONTEXT_LIMITS.maxFactSources;
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
  return new RuleContextImpl(variables);
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
