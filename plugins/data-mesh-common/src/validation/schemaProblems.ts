import type { ErrorObject } from 'ajv';
import { boundProblems, MAX_PROBLEMS, Problem } from './problems';

/*
 * Ajv's errors as problems: ajv (with `allErrors` and `verbose`) says what is wrong; this maps
 * its `instancePath` to a field path and words each error with what ajv's params hold (allowed
 * values, the unknown field's name, the value found), and folds the errors of `anyOf`/`oneOf`
 * branches that were not meant.
 */

/**
 * Messages a schema gives for its keywords, in ajv-errors' vocabulary:
 * `{ pattern: '...', errorMessage: { pattern: 'must be an ISO-8601 duration such as PT24H' } }`.
 * Read here from each error's schema rather than by the ajv-errors plugin, whose generated
 * code rescans every error collected so far at each `errorMessage`: quadratic, 11 s for a
 * hostile descriptor of 20,000 errors, against 40 ms without it.
 */
export const ERROR_MESSAGE_KEYWORD = {
  keyword: 'errorMessage',
  schemaType: 'object',
} as const;

const MAX_SHOWN = 80;

function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/**
 * A value as shown in a message: strings quoted (and cut at 80 characters), numbers, booleans
 * and null as written, objects and arrays as `an object` and `an array`.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function orList(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function segments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(value: unknown, key: string): unknown {
  return typeof value === 'object' &&
    value !== null &&
    Object.prototype.hasOwnProperty.call(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Adds a key to a field path: `a.b`, `a[0]`, or `a["b c"]` for a key that is not a name. */
function appendKey(path: string, key: string, isIndex: boolean): string {
  if (isIndex) return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) {
    return path ? `${path}.${cut(key)}` : cut(key);
  }
  return `${path}[${JSON.stringify(cut(key))}]`;
}

/** `/spec/inputPorts/0/name` → `spec.inputPorts[0].name`; a number is an index in arrays only. */
function fieldOf(pointer: string, data: unknown, extra?: string): string {
  let path = '';
  let current = data;
  for (const key of extra === undefined
    ? segments(pointer)
    : [...segments(pointer), extra]) {
    path = appendKey(path, key, Array.isArray(current) && /^\d+$/.test(key));
    current = child(current, key);
  }
  return path;
}

function isWithin(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `must be an array, got an object`; integer folds into number where both are allowed. */
function typeMessage(types: string[], value: unknown): string {
  let allowed = [...new Set(types)];
  if (allowed.includes('number'))
    allowed = allowed.filter(t => t !== 'integer');
  return `must be ${orList(allowed.map(withArticle))}, got ${formatValue(
    value,
  )}`;
}

type Params = Record<string, any>;

/** The message of one error, where its field is the error's own. */
function describe(error: ErrorObject): string {
  const params = error.params as Params;
  const value = error.data;
  const got =
    typeof value === 'object' && value !== null
      ? ''
      : `, got ${formatValue(value)}`;
  const own = error.parentSchema?.errorMessage?.[error.keyword];
  if (typeof own === 'string') return `${own}${got}`;
  switch (error.keyword) {
    case 'type':
      return typeMessage(String(params.type).split(','), value);
    case 'enum':
    case 'const': {
      const allowed: unknown[] = params.allowedValues ?? [params.allowedValue];
      const shown = allowed.map(v =>
        typeof v === 'string' ? v : JSON.stringify(v),
      );
      return `must be ${
        shown.length === 1 ? shown[0] : `one of ${shown.join(', ')}`
      }${got}`;
    }
    case 'minLength':
    case 'minItems':
      return params.limit === 1
        ? 'must not be empty'
        : `${error.message}${got}`;
    case 'pattern':
      return `must match the pattern ${params.pattern}${got}`;
    case 'format':
      return `must be a valid ${params.format}${got}`;
    case 'anyOf':
    case 'oneOf':
      return 'does not match any of the allowed forms';
    default:
      // ajv's own words: `must be <= 100`.
      return `${error.message ?? `fails ${error.keyword}`}${got}`;
  }
}

/** The field an error names: the missing or unknown field for those keywords. */
function problemOf(error: ErrorObject, data: unknown): Problem {
  const params = error.params as Params;
  const at = (extra?: string) => fieldOf(error.instancePath, data, extra);
  switch (error.keyword) {
    case 'required':
      return { field: at(params.missingProperty), message: 'is required' };
    case 'dependentRequired':
      return {
        field: at(params.missingProperty),
        message: `is required when ${params.property} is set`,
      };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const properties = error.parentSchema?.properties;
      const known =
        error.keyword === 'additionalProperties' && properties
          ? ` (known: ${Object.keys(properties).join(', ')})`
          : '';
      return {
        field: at(params.additionalProperty ?? params.unevaluatedProperty),
        message: `is not a known field${known}`,
      };
    }
    case 'not': {
      const forbidden = (error.schema as { required?: unknown })?.required;
      if (Array.isArray(forbidden) && forbidden.length === 1) {
        return { field: at(forbidden[0]), message: 'is not allowed here' };
      }
      return { field: at(), message: 'is not allowed here' };
    }
    default:
      return { field: at(), message: describe(error) };
  }
}

/**
 * Folds the errors of an `anyOf`/`oneOf` (ajv reports each branch's errors just before the
 * wrapper): a value of none of the allowed types gets one message naming them; type errors
 * of branches of another type than the value's go (those branches were not meant); the
 * wrapper goes when errors are left that say what is wrong.
 */
function foldAlternatives(
  errors: ErrorObject[],
  index: number,
  dropped: Set<ErrorObject>,
  messages: Map<ErrorObject, string>,
): void {
  const wrapper = errors[index];
  const at = wrapper.instancePath;
  const passing = (wrapper.params as Params).passingSchemas;
  if (Array.isArray(passing) && passing.length > 1) {
    // oneOf branches that each only require one field, as ODCS's quality operators.
    const branches = Array.isArray(wrapper.schema) ? wrapper.schema : [];
    const names = passing.map(i => branches[i]?.required).flat();
    messages.set(
      wrapper,
      names.length === passing.length &&
        names.every(name => typeof name === 'string')
        ? `must have only one of ${names.join(', ')}`
        : 'matches more than one of the allowed forms',
    );
    return;
  }
  const branchErrors: ErrorObject[] = [];
  for (let i = index - 1; i >= 0; i--) {
    if (!isWithin(errors[i].instancePath, at)) break;
    if (!dropped.has(errors[i])) branchErrors.unshift(errors[i]);
  }
  const typeErrorsHere = branchErrors.filter(
    e => e.instancePath === at && e.keyword === 'type',
  );
  typeErrorsHere.forEach(e => dropped.add(e));
  const left = branchErrors.filter(e => !dropped.has(e));
  if (branchErrors.length > 0 && left.length === 0) {
    messages.set(
      wrapper,
      typeMessage(
        typeErrorsHere.flatMap(e => String(e.params.type).split(',')),
        wrapper.data,
      ),
    );
  } else if (
    left.length > 1 &&
    left.every(e => e.instancePath === at && e.keyword === 'required')
  ) {
    // Branches that each require one field, as ODCS's quality operators: one message.
    left.forEach(e => dropped.add(e));
    messages.set(
      wrapper,
      `must have ${
        wrapper.keyword === 'oneOf' ? 'exactly one' : 'one'
      } of ${left.map(e => e.params.missingProperty).join(', ')}`,
    );
  } else if (left.length > 0) {
    dropped.add(wrapper);
  }
}

/** Fields declared by the branches of an anyOf/oneOf: unevaluated once the branch fails. */
function declaredByBranches(error: ErrorObject): string[] {
  if (!Array.isArray(error.schema)) return [];
  return error.schema.flatMap(branch => Object.keys(branch?.properties ?? {}));
}

/**
 * The problems of ajv errors, each naming its field (`spec.outputPorts[0].name`) and what is
 * wrong with it, bounded by `boundProblems`. Needs an Ajv instance with `allErrors` and
 * `verbose`; `data` is the value validated.
 * @public
 */
export function schemaProblems(
  errors: ErrorObject[] | null | undefined,
  data: unknown,
): Problem[] {
  const list = errors ?? [];
  const dropped = new Set<ErrorObject>();
  const messages = new Map<ErrorObject, string>();
  list.forEach((error, i) => {
    // `if` only says its then/else failed, which reports itself; errors about a property
    // name are reported again by their propertyNames wrapper.
    if (error.keyword === 'if' || error.propertyName !== undefined) {
      dropped.add(error);
    } else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      foldAlternatives(list, i, dropped, messages);
    }
  });
  // A known field with a problem of its own, or one declared by a failed branch, is not
  // unknown: its subschema failed, which leaves it unevaluated. Indexed, as a hostile input
  // gives thousands of errors.
  const withProblems = new Set<string>();
  const declared = new Map<string, Set<string>>();
  for (const error of list) {
    if (error.keyword === 'unevaluatedProperties') continue;
    let pointer = error.instancePath;
    while (!withProblems.has(pointer)) {
      withProblems.add(pointer);
      if (pointer === '') break;
      pointer = pointer.slice(0, pointer.lastIndexOf('/'));
    }
    const names = declaredByBranches(error);
    if (names.length > 0) {
      const set = declared.get(error.instancePath) ?? new Set<string>();
      names.forEach(name => set.add(name));
      declared.set(error.instancePath, set);
    }
  }
  for (const error of list) {
    if (error.keyword !== 'unevaluatedProperties') continue;
    const name = String(error.params.unevaluatedProperty);
    if (
      withProblems.has(`${error.instancePath}/${escapeKey(name)}`) ||
      declared.get(error.instancePath)?.has(name)
    ) {
      dropped.add(error);
    }
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let uncounted = 0;
  for (const error of list) {
    if (dropped.has(error)) continue;
    if (problems.length > MAX_PROBLEMS) {
      // Past what is shown, only counted.
      uncounted++;
      continue;
    }
    const message = messages.get(error);
    const problem =
      message === undefined
        ? problemOf(error, data)
        : { field: fieldOf(error.instancePath, data), message };
    const key = `${problem.field}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return boundProblems(problems, uncounted);
}
