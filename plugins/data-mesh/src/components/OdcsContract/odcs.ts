import {
  flattenProperties,
  listOf,
  OdcsContract,
  OdcsQualityRule,
  OdcsSchemaObject,
  OdcsServer,
} from '@datamesh-portal/plugin-data-mesh-common';

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
