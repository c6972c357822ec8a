import Ajv, { ValidateFunction } from 'ajv';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { isJsonObject } from '../util/isJsonObject';
import { DATA_MESH_API_VERSION } from './constants';
import {
  boundProblems,
  formatProblems,
  inputErrorWithProblems,
  Problem,
} from '../validation/problems';
import {
  ERROR_MESSAGE_KEYWORD,
  formatValue,
  schemaProblems,
} from '../validation/schemaProblems';

/** JSON schema of a data mesh kind: the catalog's Entity envelope plus the kind's own spec. */
export function dataMeshKindSchema(options: {
  id: string;
  kind: string;
  description: string;
  spec: object;
}) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema',
    $id: options.id,
    description: options.description,
    allOf: [
      { $ref: 'Entity' },
      {
        type: 'object',
        required: ['spec'],
        properties: {
          apiVersion: { enum: [DATA_MESH_API_VERSION] },
          kind: { enum: [options.kind] },
          spec: options.spec,
        },
      },
    ],
  };
}

/** What a kind checks besides its schema. */
export type KindValidatorOptions<T extends Entity> = {
  /**
   * The fields of the kind that hold entity refs, by path (`[]` stands for every item of an
   * array), each with the kind the ref defaults to, e.g.
   * `{ 'spec.owner': 'Group', 'spec.inputPorts[].contract': 'API' }`. A ref that
   * `parseEntityRef` refuses is reported as `spec.owner: "group:" is not a valid entity
   * reference`.
   */
  refFields?: Record<string, string>;
  /**
   * Checks beyond what a schema can say (such as names unique within a list), run on an
   * entity that passes the schema. Returns the problems.
   */
  check?: (entity: T) => Problem[];
};

type SchemaNode = {
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
};

/** The values a kind schema allows for a top-level field such as `kind`. */
function allowedValues(schema: SchemaNode, field: string): unknown[] {
  const values: unknown[] = [];
  for (const node of [schema, ...(schema.allOf ?? [])]) {
    const property = node.properties?.[field];
    if (property && 'const' in property) values.push(property.const);
    if (property?.enum) values.push(...property.enum);
  }
  return values;
}

/**
 * The kind schema compiled with an Ajv instance of its own. The catalog validates the entity
 * envelope (metadata, relations...) itself, so `Entity` stands for any object here and only
 * what the kind owns is checked.
 */
function compileKindSchema(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addKeyword(ERROR_MESSAGE_KEYWORD);
  ajv.addSchema({ $id: 'Entity', type: 'object' });
  return ajv.compile(schema);
}

/** The values at a path such as `spec.inputPorts[].contract`, with their indexed paths. */
function valuesAt(value: unknown, path: string): Array<[string, unknown]> {
  let found: Array<[string, unknown]> = [['', value]];
  for (const segment of path.split('.')) {
    const name = segment.replace(/\[\]$/, '');
    const each = segment.endsWith('[]');
    const next: Array<[string, unknown]> = [];
    for (const [at, current] of found) {
      if (!isJsonObject(current) || current[name] === undefined) continue;
      const field = at ? `${at}.${name}` : name;
      const child = current[name];
      if (!each) next.push([field, child]);
      else if (Array.isArray(child)) {
        child.forEach((item, i) => next.push([`${field}[${i}]`, item]));
      }
    }
    found = next;
  }
  return found;
}

function checkRefs(
  entity: Entity,
  refFields: Record<string, string> = {},
): Problem[] {
  const problems: Problem[] = [];
  for (const [path, defaultKind] of Object.entries(refFields)) {
    for (const [at, ref] of valuesAt(entity, path)) {
      if (typeof ref !== 'string') continue;
      try {
        parseEntityRef(ref, {
          defaultKind,
          defaultNamespace: entity.metadata?.namespace ?? 'default',
        });
      } catch {
        problems.push({
          field: at,
          message: `${formatValue(ref)} is not a valid entity reference`,
        });
      }
    }
  }
  return problems;
}

/**
 * A type guard over a kind schema: false for other kinds and apiVersions, so the entity is left
 * to other validators; true for a valid entity of the kind; for an invalid one, throws an
 * `InputError` whose `problems` list every problem (its message joins them for people). The
 * schema is compiled on first use.
 */
export function createKindValidator<T extends Entity>(
  schema: object,
  options: KindValidatorOptions<T> = {},
) {
  const apiVersions = allowedValues(schema, 'apiVersion');
  const kinds = allowedValues(schema, 'kind');
  if (apiVersions.length === 0 || kinds.length === 0) {
    throw new Error('A kind schema must name its apiVersion and kind');
  }
  let validate: ValidateFunction | undefined;

  return (entity: unknown): entity is T => {
    if (
      !isJsonObject(entity) ||
      !apiVersions.includes(entity.apiVersion) ||
      !kinds.includes(entity.kind)
    ) {
      return false;
    }
    if (!validate) validate = compileKindSchema(schema);
    const problems = boundProblems(
      validate(entity)
        ? [
            ...checkRefs(entity as T, options.refFields),
            ...(options.check?.(entity as T) ?? []),
          ]
        : schemaProblems(validate.errors, entity),
    );
    if (problems.length > 0) {
      throw inputErrorWithProblems(formatProblems(problems), problems);
    }
    return true;
  };
}
