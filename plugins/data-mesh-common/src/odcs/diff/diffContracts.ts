import { InputError } from '@backstage/errors';
import { isJsonObject } from '../../util/isJsonObject';
import { listOf } from '../schemaProperties';
import { OdcsContract, OdcsSchemaProperty, OdcsServer } from '../types';
import { ChangeList, describeChange } from './changes';
import { pairUp, quote, text, unionKeys } from './compare';
import {
  compareLogicalTypes,
  comparePhysicalTypes,
  compareTypeOption,
  TypeVerdict,
} from './dataTypes';
import {
  diffCustomProperties,
  diffFields,
  FieldChange,
  FieldHandler,
  itemLabel,
} from './fields';
import { diffQualityRules } from './quality';
import { ContractChange, ContractChangeRuleId } from './rules';
import { diffSlaProperties } from './sla';

/**
 * Deepest nesting of properties compared one by one; deeper ones are compared as a whole. A
 * contract read by `readOdcsContract` nests far less (its YAML is at most 64 levels deep).
 */
const MAX_PROPERTY_DEPTH = 40;

const TYPE_RULES: Record<
  Exclude<TypeVerdict['verdict'], 'same'>,
  ContractChangeRuleId
> = {
  widened: 'type-widened',
  narrowed: 'type-narrowed',
  changed: 'type-changed',
};

function reportType(
  { list, path, subject, field }: FieldChange,
  { verdict, reason }: TypeVerdict,
): void {
  if (verdict !== 'same') {
    list.add(TYPE_RULES[verdict], path, `${subject}: ${field} ${reason}`);
  }
}

/** Classification levels from the least restrictive; others are not ordered. */
const CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
  'secret',
];

function compareClassifications(change: FieldChange): void {
  const { list, path, subject, field, oldValue, newValue } = change;
  const level = (value: unknown) =>
    CLASSIFICATIONS.indexOf(String(value).toLowerCase());
  const a = level(oldValue);
  const b = level(newValue);
  const described = `${subject}: ${describeChange(field, oldValue, newValue)}`;
  if (a >= 0 && b >= 0 && b < a) {
    list.add('classification-lowered', path, described);
  } else if (a >= 0 && b >= 0) {
    list.add('classification-raised', path, described);
  } else {
    list.add(
      'classification-raised',
      path,
      `${described}: not a level the diff orders (${CLASSIFICATIONS.join(
        ', ',
      )}), so it counts as more restrictive`,
    );
  }
}

/** `required` and `unique`: a guarantee given or taken back. */
function guarantee(
  given: ContractChangeRuleId,
  takenBack: ContractChangeRuleId,
  what: [given: string, takenBack: string],
): FieldHandler {
  return ({ list, path, subject, field, newValue }) => {
    const now = newValue === true;
    list.add(
      now ? given : takenBack,
      path,
      `${subject}: ${field} is now ${now}: ${now ? what[0] : what[1]}`,
    );
  };
}

/** `logicalTypeOptions`, one option at a time. */
function compareTypeOptions(change: FieldChange): void {
  const { list, path, subject } = change;
  const oldOptions = isJsonObject(change.oldValue) ? change.oldValue : {};
  const newOptions = isJsonObject(change.newValue) ? change.newValue : {};
  for (const option of unionKeys(oldOptions, newOptions)) {
    const oldValue = oldOptions[option];
    const newValue = newOptions[option];
    if (list.ids.same(oldValue, newValue)) continue;
    const optionChange = {
      ...change,
      path: `${path}.${option}`,
      field: option,
    };
    if (option === 'required') {
      compareRequiredList({ ...optionChange, oldValue, newValue });
      continue;
    }
    const verdict = compareTypeOption(option, oldValue, newValue);
    if (verdict) {
      reportType(optionChange, verdict);
    } else {
      list.add(
        'unclassified-change',
        optionChange.path,
        `${subject}: ${describeChange(
          `logicalTypeOptions.${option}`,
          oldValue,
          newValue,
        )}; no rule knows this option, so the change counts as breaking`,
      );
    }
  }
}

/** `logicalTypeOptions.required` of an object: the names of its required properties. */
function compareRequiredList({
  list,
  path,
  subject,
  oldValue,
  newValue,
}: FieldChange): void {
  const names = (value: unknown) =>
    new Set(Array.isArray(value) ? value.map(String) : []);
  const oldNames = names(oldValue);
  const newNames = names(newValue);
  for (const name of newNames) {
    if (!oldNames.has(name)) {
      list.add(
        'property-now-required',
        path,
        `${subject}: property ${name} is now required: no more nulls`,
      );
    }
  }
  for (const name of oldNames) {
    if (!newNames.has(name)) {
      list.add(
        'property-now-optional',
        path,
        `${subject}: property ${name} is no longer required: nulls may now appear`,
      );
    }
  }
}

/** ODCS defaults: a field left out means the same as its default. */
const ELEMENT_DEFAULTS = {
  required: false,
  unique: false,
  primaryKey: false,
  primaryKeyPosition: -1,
  partitioned: false,
  partitionKeyPosition: -1,
  criticalDataElement: false,
};

/** Where an element is and what it is called in messages. */
type Place = {
  /** E.g. `schema[orders].properties[customer].properties[id]`. */
  path: string;
  /** E.g. `orders.customer.id`. */
  name: string;
  depth: number;
};

const elementName = (element: OdcsSchemaProperty) => text(element.name);

/** The name consumers query an element by: its physical name, else its name. */
const queriedName = (element: OdcsSchemaProperty) =>
  text(element.physicalName) ?? elementName(element);

/** Compares one schema object or property with its counterpart, nested properties included. */
function diffElement(
  list: ChangeList,
  place: Place,
  kind: 'Object' | 'Property',
  oldElement: OdcsSchemaProperty,
  newElement: OdcsSchemaProperty,
): void {
  const subject = `${kind} ${place.name}`;
  if (elementName(oldElement) !== elementName(newElement)) {
    list.add(
      kind === 'Object' ? 'object-renamed' : 'property-renamed',
      place.path,
      `${subject}: renamed from ${quote(oldElement.name)} to ${quote(
        newElement.name,
      )} (same id ${quote(newElement.id)})`,
    );
  }
  // Without a physical name on either side, a rename above already says it.
  if (
    (text(oldElement.physicalName) ?? text(newElement.physicalName)) &&
    queriedName(oldElement) !== queriedName(newElement)
  ) {
    list.add(
      'physical-name-changed',
      `${place.path}.physicalName`,
      `${subject}: physical name changed from ${quote(
        queriedName(oldElement),
      )} to ${quote(queriedName(newElement))}`,
    );
  }
  if (place.depth >= MAX_PROPERTY_DEPTH) {
    if (!list.ids.same(oldElement, newElement)) {
      list.add(
        'unclassified-change',
        place.path,
        `${subject}: changed, nested more than ${MAX_PROPERTY_DEPTH} levels deep and so not compared field by field; counts as breaking`,
      );
    }
    return;
  }
  diffFields(
    list,
    place.path,
    subject,
    oldElement,
    newElement,
    {
      id: 'metadata-changed',
      name: 'ignore',
      physicalName: 'ignore',
      // Compared with the sibling properties: the key is a list of them.
      primaryKey: 'ignore',
      primaryKeyPosition: 'ignore',
      logicalType: change =>
        reportType(
          change,
          compareLogicalTypes(change.oldValue, change.newValue),
        ),
      physicalType: change =>
        reportType(
          change,
          kind === 'Object'
            ? {
                verdict: 'changed',
                reason: `${quote(change.oldValue)} to ${quote(
                  change.newValue,
                )}: consumers read it differently`,
              }
            : comparePhysicalTypes(change.oldValue, change.newValue),
        ),
      logicalTypeOptions: compareTypeOptions,
      required: guarantee('property-now-required', 'property-now-optional', [
        'no more nulls',
        'nulls may now appear',
      ]),
      unique: guarantee('property-now-unique', 'property-no-longer-unique', [
        'no more duplicates',
        'duplicates may now appear',
      ]),
      encryptedName: 'physical-name-changed',
      classification: compareClassifications,
      partitioned: 'partitioning-changed',
      partitionKeyPosition: 'partitioning-changed',
      relationships: 'relationship-changed',
      businessName: 'documentation-changed',
      description: 'documentation-changed',
      tags: 'documentation-changed',
      examples: 'documentation-changed',
      authoritativeDefinitions: 'documentation-changed',
      criticalDataElement: 'metadata-changed',
      dataGranularityDescription: 'metadata-changed',
      transformSourceObjects: 'metadata-changed',
      transformLogic: 'metadata-changed',
      transformDescription: 'metadata-changed',
      customProperties: diffCustomProperties,
      quality: change =>
        diffQualityRules(
          list,
          change.path,
          subject,
          change.oldValue,
          change.newValue,
        ),
      properties: change =>
        diffProperties(list, place, change.oldValue, change.newValue),
      items: change => diffItems(list, place, change),
    },
    { defaults: ELEMENT_DEFAULTS },
  );
}

/** The items of an array property, compared as a property of their own. */
function diffItems(list: ChangeList, place: Place, change: FieldChange): void {
  const { oldValue, newValue } = change;
  if (isJsonObject(oldValue) && isJsonObject(newValue)) {
    diffElement(
      list,
      {
        path: `${place.path}.items`,
        name: `${place.name}[]`,
        depth: place.depth + 1,
      },
      'Property',
      oldValue,
      newValue,
    );
    return;
  }
  reportType(change, {
    verdict: newValue === undefined ? 'changed' : 'narrowed',
    reason: `${quote(oldValue)} to ${quote(newValue)}: ${
      newValue === undefined
        ? 'the items are no longer declared'
        : 'the items are declared where they were not'
    }`,
  });
}

/** The primary key of sibling properties: their names in key order. */
function primaryKey(
  properties: OdcsSchemaProperty[],
  nameOf: (property: OdcsSchemaProperty) => string,
): string[] {
  return properties
    .map((property, index) => ({ property, index }))
    .filter(({ property }) => property.primaryKey === true)
    .sort(
      (a, b) =>
        (Number(a.property.primaryKeyPosition) || Infinity) -
          (Number(b.property.primaryKeyPosition) || Infinity) ||
        a.index - b.index,
    )
    .map(({ property }) => nameOf(property));
}

/** Pairs elements by id when both have one, then by name. */
function pairElements(olds: OdcsSchemaProperty[], news: OdcsSchemaProperty[]) {
  return pairUp(olds, news, [element => text(element.id), elementName]);
}

/** Compares the properties of an object or property (`parent`), and their primary key. */
function diffProperties(
  list: ChangeList,
  parent: Place,
  oldValue: unknown,
  newValue: unknown,
): void {
  const olds = listOf<OdcsSchemaProperty>(oldValue);
  const news = listOf<OdcsSchemaProperty>(newValue);
  const { pairs, removed, added } = pairElements(olds, news);
  const placeOf = (property: OdcsSchemaProperty, index: number): Place => {
    const label = itemLabel(elementName(property), index);
    return {
      path: `${parent.path}.properties[${label}]`,
      name: `${parent.name}.${label}`,
      depth: parent.depth + 1,
    };
  };
  for (const { item: property, index } of removed) {
    const place = placeOf(property, index);
    list.add(
      'property-removed',
      place.path,
      `Property ${place.name} removed${
        property.id ? '' : ' (a rename without a stable id is a removal)'
      }`,
    );
  }
  for (const { item: property, index } of added) {
    const place = placeOf(property, index);
    list.add(
      'property-added',
      place.path,
      `Property ${place.name} added${
        property.required === true ? ' (required)' : ''
      }`,
    );
  }
  for (const { before: oldProperty, after: newProperty, index } of pairs) {
    diffElement(
      list,
      placeOf(newProperty, index),
      'Property',
      oldProperty,
      newProperty,
    );
  }
  // The old key named as the new properties are, so a rename is not also a key change.
  const renamed = new Map(pairs.map(({ before, after }) => [before, after]));
  const label = (property: OdcsSchemaProperty) =>
    elementName(property) ?? quote(property);
  const oldKey = primaryKey(olds, p => label(renamed.get(p) ?? p));
  const newKey = primaryKey(news, label);
  if (!sameOrder(oldKey, newKey)) {
    list.add(
      'primary-key-changed',
      parent.path,
      `${parent.depth === 0 ? 'Object' : 'Property'} ${
        parent.name
      }: primary key changed from (${oldKey.join(', ')}) to (${newKey.join(
        ', ',
      )})`,
    );
  }
}

function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Compares the schema objects of two contracts. */
function diffSchema({ list, oldValue, newValue }: FieldChange): void {
  const olds = listOf<OdcsSchemaProperty>(oldValue);
  const news = listOf<OdcsSchemaProperty>(newValue);
  const { pairs, removed, added } = pairElements(olds, news);
  const placeOf = (object: OdcsSchemaProperty, index: number): Place => {
    const label = itemLabel(elementName(object), index);
    return { path: `schema[${label}]`, name: label, depth: 0 };
  };
  for (const { item: object, index } of removed) {
    const place = placeOf(object, index);
    list.add(
      'object-removed',
      place.path,
      `Object ${place.name} removed${
        object.id ? '' : ' (a rename without a stable id is a removal)'
      }`,
    );
  }
  for (const { item: object, index } of added) {
    const place = placeOf(object, index);
    list.add('object-added', place.path, `Object ${place.name} added`);
  }
  for (const { before: oldObject, after: newObject, index } of pairs) {
    diffElement(
      list,
      placeOf(newObject, index),
      'Object',
      oldObject,
      newObject,
    );
  }
}

type Role = { role?: unknown; access?: unknown };

/** Compares roles (of the contract or a server), paired by `role`. */
function diffRoles({ list, path, subject, oldValue, newValue }: FieldChange) {
  const olds = listOf<Role>(oldValue);
  const news = listOf<Role>(newValue);
  const label = (role: Role, index: number) =>
    itemLabel(text(role.role), index);
  const { pairs, removed, added } = pairUp(olds, news, [
    role => text(role.role),
  ]);
  for (const { item: role, index } of removed) {
    const name = label(role, index);
    list.add(
      'access-removed',
      `${path}[${name}]`,
      `${subject}: role ${name} removed`,
    );
  }
  for (const { item: role, index } of added) {
    const name = label(role, index);
    list.add(
      'access-added',
      `${path}[${name}]`,
      `${subject}: role ${name} added`,
    );
  }
  for (const { before: oldRole, after: newRole, index } of pairs) {
    const name = label(newRole, index);
    diffFields(
      list,
      `${path}[${name}]`,
      `${subject}: role ${name}`,
      oldRole,
      newRole,
      {
        role: 'ignore',
        access: change =>
          change.list.add(
            'access-removed',
            change.path,
            `${change.subject}: ${describeChange(
              'access',
              change.oldValue,
              change.newValue,
            )}; consumers may lose access`,
          ),
        firstLevelApprovers: 'ownership-changed',
        secondLevelApprovers: 'ownership-changed',
        description: 'documentation-changed',
        customProperties: diffCustomProperties,
      },
    );
  }
}

/** Compares servers, paired by id, then `server`: any change of where one is moves it. */
function diffServers({ list, path, oldValue, newValue }: FieldChange) {
  const olds = listOf<OdcsServer>(oldValue);
  const news = listOf<OdcsServer>(newValue);
  const label = (server: OdcsServer, index: number) =>
    itemLabel(text(server.server), index);
  const { pairs, removed, added } = pairUp(olds, news, [
    server => text(server.id),
    server => text(server.server),
  ]);
  for (const { item: server, index } of removed) {
    const name = label(server, index);
    list.add(
      'server-moved',
      `${path}[${name}]`,
      `Server ${name} (${server.type ?? 'of no type'}) removed`,
    );
  }
  for (const { item: server, index } of added) {
    const name = label(server, index);
    list.add(
      'server-added',
      `${path}[${name}]`,
      `Server ${name} (${server.type ?? 'of no type'}) added`,
    );
  }
  for (const { before: oldServer, after: newServer, index } of pairs) {
    const name = label(newServer, index);
    diffFields(
      list,
      `${path}[${name}]`,
      `Server ${name}`,
      oldServer,
      newServer,
      {
        id: 'metadata-changed',
        description: 'documentation-changed',
        roles: diffRoles,
        customProperties: diffCustomProperties,
      },
      // Everything else says where the data is: type, host, port, database, schema, topic...
      { otherwise: 'server-moved' },
    );
  }
}

const CONTRACT_FIELDS: Record<string, FieldHandler> = {
  version: 'ignore',
  id: 'contract-id-changed',
  status: change =>
    change.list.add(
      change.newValue === 'retired' ? 'contract-retired' : 'status-changed',
      change.path,
      `${change.subject}: ${describeChange(
        'status',
        change.oldValue,
        change.newValue,
      )}`,
    ),
  schema: diffSchema,
  servers: diffServers,
  slaProperties: diffSlaProperties,
  slaDefaultElement: change =>
    change.list.add(
      'sla-relaxed',
      change.path,
      `${change.subject}: ${describeChange(
        'slaDefaultElement',
        change.oldValue,
        change.newValue,
      )}: the service levels without an element apply elsewhere, so the change counts as relaxed`,
    ),
  quality: change =>
    diffQualityRules(
      change.list,
      change.path,
      change.subject,
      change.oldValue,
      change.newValue,
    ),
  roles: diffRoles,
  team: 'ownership-changed',
  tenant: 'ownership-changed',
  domain: 'ownership-changed',
  dataProduct: 'ownership-changed',
  support: 'support-changed',
  price: 'price-changed',
  customProperties: diffCustomProperties,
  description: 'documentation-changed',
  tags: 'documentation-changed',
  authoritativeDefinitions: 'documentation-changed',
  name: 'metadata-changed',
  apiVersion: 'metadata-changed',
  contractCreatedTs: 'metadata-changed',
};

/**
 * The changes from one version of an ODCS contract to the next, judged from a consumer's point
 * of view by the rules of {@link CONTRACT_CHANGE_RULES}: breaking ones first, then
 * non-breaking, then patch. Schema objects and properties are paired by `id` when both have
 * one (so a rename is `property-renamed`), else by name (a rename is a removal and an
 * addition); order does not matter. The contracts are expected to be valid
 * (`validateOdcsContract`); anything is compared without failing, and a change no rule knows
 * is listed as `unclassified-change`. At most {@link MAX_CONTRACT_CHANGES} changes are listed,
 * the last one then counting those left out (`more-changes`). The contract's `version` is not
 * compared: see {@link declaredBump}.
 * @public
 */
export function diffContracts(
  oldContract: OdcsContract,
  newContract: OdcsContract,
): ContractChange[] {
  if (!isJsonObject(oldContract) || !isJsonObject(newContract)) {
    throw new InputError('Both contracts must be objects to be compared');
  }
  const list = new ChangeList();
  diffFields(
    list,
    '',
    'The contract',
    oldContract,
    newContract,
    CONTRACT_FIELDS,
  );
  return list.list();
}
