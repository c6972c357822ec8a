import type { ErrorObject } from 'ajv';

/**
 * Options of {@link formatSchemaErrors}.
 * @public
 */
export type FormatSchemaErrorsOptions = {
  /**
   * The validated value. Used to show offending values when the errors come from an Ajv
   * instance without the `verbose` option (with it, each error carries its own value).
   */
  data?: unknown;
  /**
   * The root schema the errors come from, to follow its local `$ref`s (`#/$defs/...`) when
   * listing the known fields of an object or telling which `anyOf`/`oneOf` branch was meant.
   */
  schema?: object;
  /** Put before every path, e.g. `spec` when only an entity's spec was validated. */
  pathPrefix?: string;
  /** What a problem of the value as a whole is reported as; `document` unless told. */
  rootLabel?: string;
  /**
   * How the `description` of a schema node with a `pattern` is used when a value does not
   * match: `replace` (the default) reads it as what the value should be, giving
   * `"24 hours" is not an ISO-8601 duration such as PT24H`; `append` gives the pattern and
   * the description in brackets (for schemas whose descriptions document the field rather
   * than the pattern); `ignore` gives the pattern alone.
   */
  patternDescriptions?: 'replace' | 'append' | 'ignore';
};

/** A JSON schema node, loosely typed: enough to read what a message needs. */
type SchemaNode = {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  const?: unknown;
  enum?: unknown[];
  allOf?: unknown[];
  anyOf?: unknown[];
  oneOf?: unknown[];
  then?: unknown;
  else?: unknown;
  dependentSchemas?: Record<string, unknown>;
  [keyword: string]: unknown;
};

/** A slot of the error list: an Ajv error, or a message already made out of some. */
type Slot = {
  error: ErrorObject;
  /** Set when the error is replaced by a message of its own. */
  message?: string;
  dropped?: boolean;
};

const MAX_SHOWN_STRING = 80;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a value: string, number, boolean, array, object or null. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A JSON type with its article: `a string`, `an array`, `null`. */
function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `a, b or c` */
function orList(items: string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${
    items[items.length - 1]
  }`;
}

/**
 * A value as shown in a message: strings quoted (and cut at 80 characters), numbers, booleans
 * and null as written, objects and arrays as `an object` and `an array`.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(
      value.length > MAX_SHOWN_STRING
        ? `${value.slice(0, MAX_SHOWN_STRING - 1)}…`
        : value,
    );
  }
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  if (value === undefined) return 'nothing';
  return String(value);
}

/** A schema value shown in a list of allowed values: strings bare, the rest as JSON. */
function formatAllowed(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function splitPointer(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer.split('/').slice(1).map(decodePointerSegment);
}

/** Adds a field name to a dotted path: `a.b`, or `a["b c"]` for a name that is not a word. */
function appendField(path: string, name: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(name)) return path ? `${path}.${name}` : name;
  return `${path}[${JSON.stringify(name)}]`;
}

/**
 * A JSON pointer into the validated value as a dotted path with indices:
 * `/spec/inputPorts/0/name` becomes `spec.inputPorts[0].name`. A number is read as an array
 * index unless the value shows it is the key of an object.
 */
function toPath(pointer: string, prefix: string, data: unknown): string {
  let path = prefix;
  let current: unknown = data;
  for (const segment of splitPointer(pointer)) {
    const isIndex =
      /^(0|[1-9]\d*)$/.test(segment) &&
      (current === undefined || Array.isArray(current));
    path = isIndex ? `${path}[${segment}]` : appendField(path, segment);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[segment]
        : undefined;
  }
  return path;
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of splitPointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Is `path` the pointer `base` or a pointer inside it? */
function isWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

class SchemaErrorFormatter {
  constructor(private readonly options: FormatSchemaErrorsOptions) {}

  /**
   * Fields declared by the branches of a failed anyOf/oneOf, by the pointer of the value: they
   * count as unevaluated once the branch fails, which is not a problem of its own.
   */
  private readonly declaredByFailedBranches = new Map<string, Set<string>>();

  format(errors: ErrorObject[]): string[] {
    const slots: Slot[] = [];
    for (const error of errors) {
      const slot: Slot = { error };
      if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
        this.noteBranchFields(error);
        this.settleAlternatives(slot, slots);
      } else if (
        error.keyword === 'unevaluatedProperties' &&
        this.declaredByFailedBranches
          .get(error.instancePath)
          ?.has(error.params.unevaluatedProperty)
      ) {
        slot.dropped = true;
      }
      slots.push(slot);
    }
    this.dropUnevaluatedWithProblems(slots);
    const messages = new Set<string>();
    for (const slot of slots) {
      if (slot.dropped) continue;
      const message = slot.message ?? this.describe(slot.error);
      if (message !== undefined) messages.add(message);
    }
    return [...messages];
  }

  private path(pointer: string): string {
    return toPath(pointer, this.options.pathPrefix ?? '', this.options.data);
  }

  private fieldPath(pointer: string, field: string): string {
    return appendField(this.path(pointer), field);
  }

  private label(path: string): string {
    return path || this.options.rootLabel || 'document';
  }

  private valueOf(error: ErrorObject): unknown {
    return 'data' in error && error.data !== undefined
      ? error.data
      : valueAt(this.options.data, error.instancePath);
  }

  /**
   * The schema node an error's schema path points at in the root schema. Paths of errors
   * inside a `$ref`'d definition start at that definition (`#/$defs/Team/...`), which is a
   * path of the root schema as well.
   */
  private schemaAt(schemaPath: string): unknown {
    if (!this.options.schema || !schemaPath.startsWith('#')) return undefined;
    return valueAt(this.options.schema, schemaPath.slice(1));
  }

  /** The value of the keyword that failed (verbose errors carry it). */
  private keywordSchemaOf(error: ErrorObject): unknown {
    return error.schema !== undefined
      ? error.schema
      : this.schemaAt(error.schemaPath);
  }

  /** The schema node holding the keyword that failed (verbose errors carry it). */
  private parentSchemaOf(error: ErrorObject): unknown {
    return (
      error.parentSchema ??
      this.schemaAt(error.schemaPath.replace(/\/[^/]*$/, ''))
    );
  }

  /** Follows a local `$ref` (`#/$defs/Team`) of the root schema; undefined when it cannot. */
  private resolve(node: unknown, seen = new Set<unknown>()): unknown {
    let current = node;
    while (isObject(current) && typeof current.$ref === 'string') {
      if (seen.has(current)) return undefined;
      seen.add(current);
      const ref = current.$ref;
      if (!ref.startsWith('#') || !this.options.schema) return undefined;
      current = valueAt(this.options.schema, ref.slice(1));
    }
    return current;
  }

  /** The field names a schema node declares, through allOf, if/then, $ref and the like. */
  private knownFields(node: unknown, seen = new Set<unknown>()): string[] {
    if (!isObject(node) || seen.has(node)) return [];
    seen.add(node);
    const n = node as SchemaNode;
    const names = Object.keys(isObject(n.properties) ? n.properties : {});
    const nested: unknown[] = [
      ...(Array.isArray(n.allOf) ? n.allOf : []),
      ...(Array.isArray(n.anyOf) ? n.anyOf : []),
      ...(Array.isArray(n.oneOf) ? n.oneOf : []),
      n.then,
      n.else,
      ...Object.values(isObject(n.dependentSchemas) ? n.dependentSchemas : {}),
    ];
    if (typeof n.$ref === 'string') nested.push(this.resolve({ $ref: n.$ref }));
    for (const child of nested) names.push(...this.knownFields(child, seen));
    return [...new Set(names)];
  }

  /**
   * A known field with a problem of its own (a wrong type, a bad item...) also fails the
   * subschema that declares it, which leaves it "unevaluated": that report is noise.
   */
  private dropUnevaluatedWithProblems(slots: Slot[]): void {
    for (const slot of slots) {
      const { error } = slot;
      if (slot.dropped || error.keyword !== 'unevaluatedProperties') continue;
      const field = String(error.params.unevaluatedProperty);
      const pointer = `${error.instancePath}/${field
        .replace(/~/g, '~0')
        .replace(/\//g, '~1')}`;
      const hasOwnProblem = slots.some(
        other =>
          other !== slot &&
          other.error.keyword !== 'unevaluatedProperties' &&
          isWithin(other.error.instancePath, pointer),
      );
      if (
        hasOwnProblem &&
        this.knownFields(this.parentSchemaOf(error)).includes(field)
      ) {
        slot.dropped = true;
      }
    }
  }

  private noteBranchFields(error: ErrorObject): void {
    const branches = this.keywordSchemaOf(error);
    if (!Array.isArray(branches)) return;
    const fields =
      this.declaredByFailedBranches.get(error.instancePath) ?? new Set();
    for (const branch of branches) {
      for (const field of this.knownFields(this.resolve(branch))) {
        fields.add(field);
      }
    }
    this.declaredByFailedBranches.set(error.instancePath, fields);
  }

  /** The description of a branch, or of the schema it refers to. */
  private explicitDescription(branch: unknown): string | undefined {
    if (isObject(branch) && typeof branch.description === 'string') {
      return branch.description;
    }
    const node = this.resolve(branch);
    return isObject(node) && typeof node.description === 'string'
      ? node.description
      : undefined;
  }

  /** What a branch of an anyOf/oneOf stands for, for a message naming the branches. */
  private describeBranch(branch: unknown): string | undefined {
    const explicit = this.explicitDescription(branch);
    if (explicit) return explicit;
    const node = this.resolve(branch);
    if (!isObject(node)) return undefined;
    const n = node as SchemaNode;
    if (typeof n.pattern === 'string') return `text matching ${n.pattern}`;
    const types = this.typesOf(n);
    return types ? orList(types.map(withArticle)) : undefined;
  }

  /**
   * The JSON types a schema node allows, or undefined when it does not say (or it cannot be
   * told). `integer` stands for itself.
   */
  private typesOf(node: unknown, depth = 0): string[] | undefined {
    if (depth > 8) return undefined;
    const resolved = this.resolve(node);
    if (!isObject(resolved)) return undefined;
    const n = resolved as SchemaNode;
    if (typeof n.type === 'string') return [n.type];
    if (Array.isArray(n.type)) return n.type;
    if ('const' in n) return [jsonType(n.const)];
    if (Array.isArray(n.enum)) return [...new Set(n.enum.map(jsonType))];
    const branches = n.anyOf ?? n.oneOf;
    if (Array.isArray(branches)) {
      const types: string[] = [];
      for (const branch of branches) {
        const branchTypes = this.typesOf(branch, depth + 1);
        if (!branchTypes) return undefined;
        types.push(...branchTypes);
      }
      return [...new Set(types)];
    }
    return undefined;
  }

  private static fits(value: unknown, types: string[]): boolean {
    const type = jsonType(value);
    return types.some(
      t =>
        t === type ||
        (t === 'integer' && Number.isInteger(value)) ||
        (t === 'number' && type === 'number'),
    );
  }

  /**
   * An `anyOf`/`oneOf` that failed: Ajv reports every branch's errors before the wrapper.
   * Branches whose type the value does not have were not meant, so their type errors go; when
   * no branch has the value's type, one message names the types allowed; branches that only
   * differ by which field they require (`mustBe`, `mustNotBe`...) give one message naming
   * those fields. The wrapper itself goes when the errors left explain the problem.
   */
  private settleAlternatives(wrapper: Slot, previous: Slot[]): void {
    const { error } = wrapper;
    const at = error.instancePath;
    const value = this.valueOf(error);
    const path = this.label(this.path(at));

    // The errors reported for the branches: the run of errors inside the same value just
    // before the wrapper.
    const block: Slot[] = [];
    for (let i = previous.length - 1; i >= 0; i--) {
      const slot = previous[i];
      if (!isWithin(slot.error.instancePath, at)) break;
      if (!slot.dropped) block.unshift(slot);
    }
    const here = (slot: Slot, keywords: string[]) =>
      slot.error.instancePath === at && keywords.includes(slot.error.keyword);

    const keywordSchema = this.keywordSchemaOf(error);
    const branches = Array.isArray(keywordSchema) ? keywordSchema : undefined;
    const passing = (error.params as { passingSchemas?: number[] | null })
      .passingSchemas;
    const tooMany = Array.isArray(passing) && passing.length > 1;

    if (!branches) {
      wrapper.dropped = !tooMany && block.length > 0;
      wrapper.message = tooMany
        ? `${path}: ${formatValue(
            value,
          )} matches more than one of the allowed forms`
        : `${path}: ${formatValue(
            value,
          )} does not match any of the allowed forms`;
      return;
    }

    const branchTypes = branches.map(branch => this.typesOf(branch));
    const meant = branches.filter(
      (_, i) =>
        !branchTypes[i] || SchemaErrorFormatter.fits(value, branchTypes[i]!),
    );

    if (meant.length === 0) {
      for (const slot of block) {
        if (here(slot, ['type', 'const', 'enum'])) slot.dropped = true;
      }
      let allowed = [...new Set(branchTypes.flatMap(types => types ?? []))];
      if (allowed.includes('number')) {
        allowed = allowed.filter(t => t !== 'integer');
      }
      const holds =
        typeof value === 'object' || value === undefined
          ? ''
          : `${formatValue(value)} `;
      wrapper.message = `${path}: ${holds}is ${withArticle(
        jsonType(value),
      )}, expected ${orList(allowed.map(withArticle))}`;
      return;
    }

    for (const slot of block) {
      if (here(slot, ['type'])) slot.dropped = true;
    }

    // Branches that only say which one field must be there, as in ODCS's quality operators.
    const requiredOnly = meant.map(branch => {
      const node = this.resolve(branch);
      if (!isObject(node)) return undefined;
      const keys = Object.keys(node).filter(
        k => !['description', 'title', '$comment', 'properties'].includes(k),
      );
      const required = (node as SchemaNode).required;
      return keys.length === 1 &&
        keys[0] === 'required' &&
        Array.isArray(required) &&
        required.length === 1
        ? required[0]
        : undefined;
    });
    if (isObject(value) && requiredOnly.every(name => name !== undefined)) {
      const names = requiredOnly as string[];
      for (const slot of block) {
        if (
          here(slot, ['required']) &&
          names.includes(
            (slot.error.params as { missingProperty?: string })
              .missingProperty ?? '',
          )
        ) {
          slot.dropped = true;
        }
      }
      const present = names.filter(name => name in value);
      wrapper.message =
        present.length > 1
          ? `${path}: has ${orList(
              present,
              'and',
            )}, only one of them is allowed`
          : `${path}: needs ${
              error.keyword === 'oneOf' ? 'exactly one' : 'one'
            } of ${names.join(', ')}`;
      return;
    }

    if (tooMany) {
      wrapper.message = `${path}: ${formatValue(
        value,
      )} matches more than one of the allowed forms`;
      return;
    }

    // A plain value that fits none of several branches of its type, say two patterns: one
    // message naming what each branch stands for, rather than one message per branch.
    const left = block.filter(slot => !slot.dropped);
    const described = meant.map(branch => this.describeBranch(branch));
    const shallow = left.every(slot => {
      const pointer = slot.error.instancePath;
      if (typeof value !== 'object') return pointer === at;
      // An object: problems with its own fields only, and branches that say what they are.
      return (
        isWithin(pointer, at) &&
        !pointer.slice(at.length + 1).includes('/') &&
        meant.every(branch => this.explicitDescription(branch) !== undefined)
      );
    });
    if (
      meant.length > 1 &&
      left.length > 0 &&
      shallow &&
      described.every(d => d !== undefined)
    ) {
      for (const slot of left) slot.dropped = true;
      const holds = typeof value === 'object' ? '' : `${formatValue(value)} `;
      wrapper.message = `${path}: ${holds}is ${
        meant.length === 2
          ? `neither ${described[0]} nor ${described[1]}`
          : `none of ${described.join(', ')}`
      }`;
      return;
    }
    if (left.length > 0) {
      wrapper.dropped = true;
      return;
    }
    wrapper.message = `${path}: ${formatValue(
      value,
    )} does not match any of the allowed forms`;
  }

  /** The message of one Ajv error; undefined for errors that only wrap others. */
  private describe(error: ErrorObject): string | undefined {
    const params = error.params as Record<string, any>;
    const value = this.valueOf(error);
    const shown = formatValue(value);
    const at = this.label(this.path(error.instancePath));
    const parent = this.parentSchemaOf(error) as SchemaNode | undefined;

    if (error.propertyName !== undefined) {
      // An error about a property name, reported again by the propertyNames wrapper.
      return undefined;
    }

    switch (error.keyword) {
      case 'if':
        // The then/else branch reports the problem itself.
        return undefined;
      case 'required':
        return `${this.fieldPath(
          error.instancePath,
          params.missingProperty,
        )}: is required`;
      case 'dependentRequired':
      case 'dependencies':
        return `${this.fieldPath(
          error.instancePath,
          params.missingProperty,
        )}: is required when ${params.property} is set`;
      case 'type': {
        const expected = String(params.type)
          .split(',')
          .map(t => withArticle(t.trim()));
        const holds =
          typeof value === 'object' || value === undefined ? '' : `${shown} `;
        return `${at}: ${holds}is ${withArticle(
          jsonType(value),
        )}, expected ${orList(expected)}`;
      }
      case 'enum': {
        const allowed: unknown[] = params.allowedValues ?? [];
        return allowed.length === 1
          ? `${at}: ${shown} is not ${formatAllowed(allowed[0])}`
          : `${at}: ${shown} is not one of ${allowed
              .map(formatAllowed)
              .join(', ')}`;
      }
      case 'const':
        return `${at}: ${shown} is not ${formatAllowed(params.allowedValue)}`;
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const field =
          params.additionalProperty ?? params.unevaluatedProperty ?? '';
        const known =
          error.keyword === 'additionalProperties'
            ? Object.keys(
                isObject(parent?.properties) ? parent!.properties! : {},
              )
            : this.knownFields(parent);
        return `${this.fieldPath(
          error.instancePath,
          field,
        )}: is not a known field${
          known.length ? ` (known: ${known.join(', ')})` : ''
        }`;
      }
      case 'minLength':
        return params.limit === 1
          ? `${at}: must not be empty`
          : `${at}: ${shown} is shorter than ${params.limit} characters`;
      case 'maxLength':
        return `${at}: ${shown} is longer than ${params.limit} characters`;
      case 'pattern': {
        const mode = this.options.patternDescriptions ?? 'replace';
        const description =
          typeof parent?.description === 'string' && mode !== 'ignore'
            ? parent.description
            : undefined;
        if (description && mode === 'replace') {
          return `${at}: ${shown} is not ${description}`;
        }
        return `${at}: ${shown} does not match ${params.pattern}${
          description ? ` (${description})` : ''
        }`;
      }
      case 'format':
        return `${at}: ${shown} is not ${describeFormat(params.format)}`;
      case 'minimum':
        return `${at}: ${shown} is less than the minimum ${params.limit}`;
      case 'maximum':
        return `${at}: ${shown} is more than the maximum ${params.limit}`;
      case 'exclusiveMinimum':
        return `${at}: ${shown} must be more than ${params.limit}`;
      case 'exclusiveMaximum':
        return `${at}: ${shown} must be less than ${params.limit}`;
      case 'multipleOf':
        return `${at}: ${shown} is not a multiple of ${params.multipleOf}`;
      case 'minItems':
        return params.limit === 1
          ? `${at}: must not be empty`
          : `${at}: has ${countOf(value)}, expected at least ${params.limit}`;
      case 'maxItems':
        return `${at}: has ${countOf(value)}, expected at most ${params.limit}`;
      case 'uniqueItems':
        return `${at}: items ${params.j} and ${params.i} are the same`;
      case 'minProperties':
        return `${at}: has ${countOf(value, 'field')}, expected at least ${
          params.limit
        }`;
      case 'maxProperties':
        return `${at}: has ${countOf(value, 'field')}, expected at most ${
          params.limit
        }`;
      case 'propertyNames':
        return `${this.fieldPath(
          error.instancePath,
          String(params.propertyName),
        )}: is not an allowed field name`;
      case 'contains':
      case 'minContains':
      case 'maxContains':
        return `${at}: ${error.message ?? 'does not contain the items needed'}`;
      case 'not': {
        const notSchema = this.keywordSchemaOf(error);
        const forbidden = isObject(notSchema)
          ? (notSchema as SchemaNode).required
          : undefined;
        if (Array.isArray(forbidden) && forbidden.length === 1) {
          return `${this.fieldPath(
            error.instancePath,
            forbidden[0],
          )}: is not allowed here`;
        }
        return `${at}: ${shown} is not allowed here`;
      }
      case 'false schema':
        return `${at}: is not allowed`;
      case 'anyOf':
        return `${at}: ${shown} does not match any of the allowed forms`;
      case 'oneOf':
        return Array.isArray(params.passingSchemas)
          ? `${at}: ${shown} matches more than one of the allowed forms`
          : `${at}: ${shown} does not match any of the allowed forms`;
      default:
        return `${at}: ${error.message ?? `fails ${error.keyword}`}`;
    }
  }
}

function countOf(value: unknown, noun = 'item'): string {
  const count = Array.isArray(value)
    ? value.length
    : Object.keys(isObject(value) ? value : {}).length;
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const FORMATS: Record<string, string> = {
  date: 'a date such as 2027-06-30',
  'date-time': 'a date and time such as 2027-06-30T12:00:00Z',
  time: 'a time such as 12:00:00Z',
  duration: 'an ISO-8601 duration such as PT24H',
  uri: 'a URI such as https://example.com/data',
  'uri-reference': 'a URI reference',
  url: 'a URL such as https://example.com/data',
  email: 'an email address',
  hostname: 'a host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  uuid: 'a UUID',
  regex: 'a regular expression',
};

function describeFormat(format: string): string {
  return FORMATS[format] ?? `a valid ${format}`;
}

/**
 * Turns Ajv errors into one message per problem, each `<path>: <what it holds> <what is wrong
 * or allowed>`, e.g. `spec.status: "live" is not one of proposed, draft, active` or
 * `spec.owner: is required`. Paths are dotted with indices (`spec.inputPorts[0].name`).
 * Wrapper errors that only repeat the problems below them (`if`, and `anyOf`/`oneOf` where the
 * branch that was meant can be told) are left out, and so are duplicates. Best with errors of
 * an Ajv instance with `allErrors` and `verbose`.
 * @public
 */
export function formatSchemaErrors(
  errors: ErrorObject[] | null | undefined,
  options: FormatSchemaErrorsOptions = {},
): string[] {
  const formatter = new SchemaErrorFormatter(options);
  return formatter.format(errors ?? []);
}
