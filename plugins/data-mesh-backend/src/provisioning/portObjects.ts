import { InputError } from '@backstage/errors';
import {
  listOf,
  OdcsContract,
  OdcsSchemaObject,
  OdcsSchemaProperty,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  ProvisioningColumn,
  ProvisioningObject,
} from '@datamesh-portal/plugin-data-mesh-node';
import { describeInvalidIdentifier } from '../access/accessConfig';

/** More would be a contract no one writes by hand; it bounds the DDL of one port. */
const MAX_OBJECTS = 50;
const MAX_COLUMNS = 500;

function checkName(value: unknown, field: string): string {
  const problem =
    describeInvalidIdentifier(value) ??
    (String(value).trim() !== value ? 'has spaces at its ends' : undefined);
  if (problem) throw new InputError(`${field}: the name ${problem}`);
  return value as string;
}

function column(
  property: OdcsSchemaProperty,
  field: string,
): ProvisioningColumn {
  const name = checkName(property.physicalName ?? property.name, field);
  const options = property.logicalTypeOptions ?? {};
  const maxLength = options.maxLength;
  if (
    maxLength !== undefined &&
    (!Number.isInteger(maxLength) ||
      (maxLength as number) < 1 ||
      (maxLength as number) > 10_485_760)
  ) {
    throw new InputError(
      `${field}.logicalTypeOptions.maxLength: must be a whole number from 1 to 10485760`,
    );
  }
  const position = property.primaryKeyPosition;
  const primaryKey = property.primaryKey === true || position !== undefined;
  if (position !== undefined && (!Number.isInteger(position) || position < 1)) {
    throw new InputError(
      `${field}.primaryKeyPosition: must be a whole number from 1`,
    );
  }
  return {
    name,
    field,
    logicalType:
      typeof property.logicalType === 'string'
        ? property.logicalType
        : undefined,
    physicalType:
      typeof property.physicalType === 'string'
        ? property.physicalType
        : undefined,
    maxLength: maxLength as number | undefined,
    itemsLogicalType:
      typeof property.items?.logicalType === 'string'
        ? property.items.logicalType
        : undefined,
    required: property.required === true || primaryKey,
    // Positions are made consecutive below, in the contract's order for equal ones.
    primaryKeyPosition: primaryKey ? position ?? Infinity : undefined,
    description:
      typeof property.description === 'string'
        ? property.description
        : undefined,
  };
}

/**
 * The tables of an output port from its ODCS contract: one per schema object, a column per
 * top-level property (nested properties live in their object or array column). Refuses, naming
 * the field (`schema.orders.properties.id`), what cannot be a table: no schema objects, a name
 * that cannot be an identifier, two columns or tables of one name, a bad key position.
 */
export function portObjects(contract: OdcsContract): ProvisioningObject[] {
  const objects = listOf<OdcsSchemaObject>(contract.schema);
  if (objects.length === 0) {
    throw new InputError(
      'schema: the contract has no schema objects, so there is no table to create',
    );
  }
  if (objects.length > MAX_OBJECTS) {
    throw new InputError(
      `schema: ${objects.length} schema objects, more than the ${MAX_OBJECTS} provisioned at once`,
    );
  }
  const seenTables = new Set<string>();
  return objects.map((object, i) => {
    const field = `schema.${String(object.name ?? i)}`;
    const name = checkName(object.physicalName ?? object.name, field);
    if (seenTables.has(name.toLowerCase())) {
      throw new InputError(`${field}: a second table named ${name}`);
    }
    seenTables.add(name.toLowerCase());
    const properties = listOf<OdcsSchemaProperty>(object.properties);
    if (properties.length === 0 || properties.length > MAX_COLUMNS) {
      throw new InputError(
        `${field}.properties: a table needs 1 to ${MAX_COLUMNS} properties, it has ${properties.length}`,
      );
    }
    const seenColumns = new Set<string>();
    const columns = properties.map((property, j) => {
      const columnField = `${field}.properties.${String(property.name ?? j)}`;
      const result = column(property, columnField);
      if (seenColumns.has(result.name.toLowerCase())) {
        throw new InputError(
          `${columnField}: a second column named ${result.name}`,
        );
      }
      seenColumns.add(result.name.toLowerCase());
      return result;
    });
    // Key columns in their primaryKeyPosition order, numbered from 1.
    columns
      .filter(c => c.primaryKeyPosition !== undefined)
      .map((c, at) => ({ c, at }))
      .sort(
        (a, b) =>
          a.c.primaryKeyPosition! - b.c.primaryKeyPosition! || a.at - b.at,
      )
      .forEach(({ c }, at) => {
        c.primaryKeyPosition = at + 1;
      });
    return { name, field, columns };
  });
}
