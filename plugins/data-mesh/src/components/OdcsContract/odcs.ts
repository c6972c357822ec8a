import {
  OdcsContract,
  OdcsQualityRule,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  OdcsServer,
} from '@datamesh-portal/plugin-data-mesh-common';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array at a field, or none when the field is missing or not a list of objects. */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter(isRecord) as T[]) : [];
}

/** A property of a schema object with its depth in the object's tree of nested properties. */
export type FlatProperty = {
  property: OdcsSchemaProperty;
  path: string;
  depth: number;
};

/**
 * The properties of a schema object as a flat list in document order, nested object properties
 * and array item properties following their parent one level deeper.
 */
export function flattenProperties(
  properties: unknown,
  parentPath = '',
  depth = 0,
): FlatProperty[] {
  return listOf<OdcsSchemaProperty>(properties).flatMap(property => {
    const name = String(property.name ?? '');
    const path = parentPath ? `${parentPath}.${name}` : name;
    const items = isRecord(property.items) ? property.items : undefined;
    return [
      { property, path, depth },
      ...flattenProperties(property.properties, path, depth + 1),
      ...(items
        ? flattenProperties(items.properties, `${path}[]`, depth + 1)
        : []),
    ];
  });
}

/** A quality rule with where it applies: the contract, an object or one property. */
export type LocatedQualityRule = { appliesTo: string; rule: OdcsQualityRule };

/** Every quality rule of a contract: top-level ones, then per object and its properties. */
export function collectQualityRules(
  contract: OdcsContract,
): LocatedQualityRule[] {
  const located = (appliesTo: string, rules: unknown) =>
    listOf<OdcsQualityRule>(rules).map(rule => ({ appliesTo, rule }));
  return [
    ...located('Contract', contract.quality),
    ...listOf<OdcsSchemaObject>(contract.schema).flatMap(object => {
      const objectName = String(object.name ?? '');
      return [
        ...located(objectName, object.quality),
        ...flattenProperties(object.properties, objectName).flatMap(
          ({ property, path }) => located(path, property.quality),
        ),
      ];
    }),
  ];
}

/** `mustBeGreaterOrEqualTo` as "must be greater or equal to". */
function operatorWords(operator: string) {
  return operator.replace(/([A-Z])/g, ' $1').toLocaleLowerCase('en-US');
}

/** The thresholds of a quality rule in words, e.g. "must be between 1 and 5 rows". */
export function formatThresholds(rule: OdcsQualityRule): string | undefined {
  const thresholds = Object.entries(rule)
    .filter(([key]) => /^must[A-Z]/.test(key))
    .map(([key, value]) => {
      const operand = Array.isArray(value)
        ? value.map(String).join(' and ')
        : String(value);
      return `${operatorWords(key)} ${operand}${
        rule.unit ? ` ${rule.unit}` : ''
      }`;
    });
  return thresholds.length > 0 ? thresholds.join('; ') : undefined;
}

const SERVER_SUMMARY_FIELDS = [
  'server',
  'type',
  'environment',
  'description',
  'roles',
  'customProperties',
  'id',
];

/** The connection details of a server (host, port, database, schema, project...). */
export function serverDetails(server: OdcsServer): [string, unknown][] {
  return Object.entries(server).filter(
    ([key, value]) =>
      !SERVER_SUMMARY_FIELDS.includes(key) &&
      value !== undefined &&
      value !== null,
  );
}
