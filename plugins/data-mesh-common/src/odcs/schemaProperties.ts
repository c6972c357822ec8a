import { isJsonObject } from '../util/isJsonObject';
import { OdcsContract, OdcsSchemaProperty } from './types';

/**
 * The objects of a list field, or none when the field is missing or not a list: contracts
 * read for display or search may be malformed, and a bad entry must not hide the good ones.
 * @public
 */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter(isJsonObject) as T[]) : [];
}

/**
 * A property of a schema object with its path and depth in the object's tree of nested
 * properties.
 * @public
 */
export type FlatProperty = {
  property: OdcsSchemaProperty;
  path: string;
  depth: number;
};

/**
 * The properties of a schema object as a flat list in document order, nested object properties
 * and array item properties following their parent one level deeper.
 * @public
 */
export function flattenProperties(
  properties: unknown,
  parentPath = '',
  depth = 0,
): FlatProperty[] {
  return listOf<OdcsSchemaProperty>(properties).flatMap(property => {
    const name = String(property.name ?? '');
    const path = parentPath ? `${parentPath}.${name}` : name;
    const items = isJsonObject(property.items) ? property.items : undefined;
    return [
      { property, path, depth },
      ...flattenProperties(property.properties, path, depth + 1),
      ...(items
        ? flattenProperties(items.properties, `${path}[]`, depth + 1)
        : []),
    ];
  });
}

/**
 * The names of every column (property) of a contract's schema objects, nested ones included,
 * each once, in document order: what people search a contract by.
 * @public
 */
export function contractColumnNames(contract: OdcsContract): string[] {
  const names = listOf<{ properties?: unknown }>(contract.schema).flatMap(
    object =>
      flattenProperties(object.properties)
        .map(({ property }) => property.name)
        .filter(
          (name): name is string => typeof name === 'string' && name !== '',
        ),
  );
  return [...new Set(names)];
}
