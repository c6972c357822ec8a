import Ajv2019, { ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { JsonObject, JsonValue } from '@backstage/types';
import { isJsonObject } from '../util/isJsonObject';
import { Problem } from '../validation/problems';
import { formatValue, schemaProblems } from '../validation/schemaProblems';
// Unchanged copies of the Bitol ODPS JSON schemas (Apache-2.0, see LICENSE-ODPS), from
// github.com/bitol-io/open-data-product-standard schema/ at f3441a7b316b94beb236468ffeb0786f50200c98.
import odpsSchemaV100 from './odps-json-schema-v1.0.0.json';
import odpsSchemaV090 from './odps-json-schema-v0.9.0.json';

/**
 * The ODPS structure a document is read as. Decided by shape rather than by `apiVersion`
 * alone: the official v1.0.0 examples say `apiVersion: v0.9.0`.
 * @public
 */
export type OdpsStructure = 'v0.9.0' | 'v1.0.0' | 'v1.1.0';

/** The ODPS `apiVersion`s this package reads. @public */
export const ODPS_API_VERSIONS = ['v0.9.0', 'v1.0.0', 'v1.1.0'] as const;

/** A JSON schema node, loosely typed: enough to walk the ODPS schemas. */
type SchemaNode = {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: string[];
  [key: string]: unknown;
};

type RootSchema = SchemaNode & { $defs: Record<string, SchemaNode> };

/** The v1.0.0 schema, the one exported documents follow. */
export const odpsV100Schema = odpsSchemaV100 as unknown as RootSchema;

const deprecatedFlag: SchemaNode = { type: 'boolean' };
const tags: SchemaNode = { $ref: '#/$defs/Tags' };
const customProperties: SchemaNode = {
  type: 'array',
  items: { $ref: '#/$defs/CustomProperty' },
};
const authoritativeDefinitions: SchemaNode = {
  type: 'array',
  items: { $ref: '#/$defs/AuthoritativeDefinition' },
};

/**
 * v1.1.0 is v1.0.0 plus optional additions (no official v1.1.0 JSON schema is vendored here):
 * `deprecated` on the product and on input, output and management ports, product `type`,
 * `context` and `synonyms` on the product and output ports, and tags, custom properties and
 * authoritative definitions on SBOM entries. The v1.0.0 rules apply unchanged to everything
 * else; the additions only get light type checks.
 */
function deriveV110Schema(): RootSchema {
  const schema: RootSchema = JSON.parse(JSON.stringify(odpsV100Schema));
  const defs = schema.$defs;
  const extend = (node: SchemaNode, extra: Record<string, SchemaNode>) => {
    node.properties = { ...node.properties, ...extra };
  };
  schema.properties!.apiVersion = {
    ...schema.properties!.apiVersion,
    default: 'v1.1.0',
    enum: ['v1.1.0'],
  };
  defs.Synonym = {
    type: 'object',
    required: ['synonym'],
    properties: { synonym: { type: 'string' } },
  };
  const context: SchemaNode = { type: 'object' };
  const synonyms: SchemaNode = {
    type: 'array',
    items: { $ref: '#/$defs/Synonym' },
  };
  extend(schema, {
    deprecated: deprecatedFlag,
    type: { type: 'string' },
    context,
    synonyms,
  });
  extend(defs.InputPort, { deprecated: deprecatedFlag });
  extend(defs.OutputPort, { deprecated: deprecatedFlag, context, synonyms });
  extend(defs.ManagementPort, { deprecated: deprecatedFlag });
  extend(defs.SBOM, { tags, customProperties, authoritativeDefinitions });
  return schema;
}

let ajv: Ajv2019 | undefined;
const validators = new Map<OdpsStructure, ValidateFunction>();

function validatorFor(structure: OdpsStructure): ValidateFunction {
  let validate = validators.get(structure);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2019({ allErrors: true, verbose: true, strict: false });
      addFormats(ajv);
    }
    let schema: object = odpsV100Schema;
    if (structure === 'v0.9.0') {
      schema = odpsSchemaV090;
    } else if (structure === 'v1.1.0') {
      schema = deriveV110Schema();
    }
    validate = ajv.compile(schema);
    validators.set(structure, validate);
  }
  return validate;
}

/** Result of {@link validateOdpsDocument}. @public */
export type OdpsValidationResult = {
  /** True when the document can be imported. */
  valid: boolean;
  /** The structure the document was read as; absent when it is not an ODPS document at all. */
  structure?: OdpsStructure;
  /**
   * The problems, each with its field, e.g. field `outputPorts[0].version` with message
   * `is required`; a problem of the document as a whole has an empty field.
   */
  errors: Problem[];
};

/**
 * Decides the structure of an ODPS document by its shape: a v0.9.0 document whose `team` is a
 * list of members has the v0.9.0 structure (migrated on import); a v0.9.0 document with
 * anything else has the v1.0.0 structure (as the official v1.0.0 examples do).
 */
export function detectOdpsStructure(doc: JsonObject): OdpsStructure {
  if (doc.apiVersion === 'v1.1.0') {
    return 'v1.1.0';
  }
  if (
    Array.isArray(doc.team) &&
    (doc.apiVersion === 'v0.9.0' || doc.apiVersion === undefined)
  ) {
    return 'v0.9.0';
  }
  return 'v1.0.0';
}

/**
 * Validates an ODPS document (v1.0.0, v1.1.0, or v0.9.0 read for migration) against the
 * official schema of its structure.
 * @public
 */
export function validateOdpsDocument(doc: unknown): OdpsValidationResult {
  if (!isJsonObject(doc)) {
    return {
      valid: false,
      errors: [
        { field: '', message: `must be an object, got ${formatValue(doc)}` },
      ],
    };
  }
  if (doc.kind !== undefined && doc.kind !== 'DataProduct') {
    return {
      valid: false,
      errors: [
        {
          field: 'kind',
          message: `must be DataProduct, got ${formatValue(doc.kind)}`,
        },
      ],
    };
  }
  if (
    typeof doc.apiVersion === 'string' &&
    !(ODPS_API_VERSIONS as readonly string[]).includes(doc.apiVersion)
  ) {
    return {
      valid: false,
      errors: [
        {
          field: 'apiVersion',
          message: `must be one of ${ODPS_API_VERSIONS.join(
            ', ',
          )}, got ${formatValue(doc.apiVersion)}`,
        },
      ],
    };
  }
  const structure = detectOdpsStructure(doc);
  const validate = validatorFor(structure);
  if (validate(doc)) {
    return { valid: true, structure, errors: [] };
  }
  return {
    valid: false,
    structure,
    errors: schemaProblems(validate.errors, doc),
  };
}

/**
 * Keeps only what the v1.0.0 schema allows where it allows no additional properties, in the
 * schema's property order: v1.1.0-only fields and unknown keys are left out.
 */
export function pruneToOdpsV100(doc: JsonObject): JsonObject {
  return pruneValue(doc, odpsV100Schema) as JsonObject;
}

function resolve(node: SchemaNode): SchemaNode {
  if (node.$ref?.startsWith('#/$defs/')) {
    return odpsV100Schema.$defs[node.$ref.slice('#/$defs/'.length)] ?? {};
  }
  return node;
}

function pruneValue(value: JsonValue, node: SchemaNode): JsonValue {
  const schema = resolve(node);
  if (Array.isArray(value)) {
    return schema.items
      ? value.map(item => pruneValue(item, schema.items!))
      : value;
  }
  if (!isJsonObject(value) || !schema.properties) {
    return value;
  }
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(schema.properties)) {
    if (value[key] !== undefined) {
      out[key] = pruneValue(value[key]!, child);
    }
  }
  if (schema.additionalProperties !== false) {
    for (const [key, child] of Object.entries(value)) {
      if (!(key in out) && child !== undefined) {
        out[key] = child;
      }
    }
  }
  return out;
}
