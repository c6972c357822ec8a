import { isJsonObject } from '../../util/isJsonObject';
import { listOf } from '../schemaProperties';
import { ChangeList, describeChange } from './changes';
import { pairUp, quote, text, unionKeys } from './compare';
import { ContractChangeRuleId } from './rules';

const HAS_OWN = Object.prototype.hasOwnProperty;

/** Objects nested deeper than this field name are reported as a whole. */
const MAX_PREFIX_LENGTH = 200;

/** A field that changed, and where. */
export type FieldChange = {
  list: ChangeList;
  /** The path of the field, e.g. `schema[orders].properties[id].description`. */
  path: string;
  /** What the field belongs to, for messages: `Property orders.id`. */
  subject: string;
  /** The field as named within the subject, e.g. `description.purpose`. */
  field: string;
  oldValue: unknown;
  newValue: unknown;
};

/**
 * How a field is compared: the rule any change of it falls under, `ignore`, or a function that
 * judges the change itself.
 */
export type FieldHandler =
  | ContractChangeRuleId
  | 'ignore'
  | ((change: FieldChange) => void);

/** A change of a field no rule knows: breaking, so nothing changes silently. */
function unclassified({
  list,
  path,
  subject,
  field,
  oldValue,
  newValue,
}: FieldChange) {
  list.add(
    'unclassified-change',
    path,
    `${subject}: ${describeChange(
      field,
      oldValue,
      newValue,
    )}; no rule knows this field, so the change counts as breaking`,
  );
}

/** How {@link diffFields} judges fields without a handler, and where the objects are. */
export type DiffFieldsOptions = {
  /** The handler of fields that have none; by default `unclassified-change`. */
  otherwise?: FieldHandler;
  /** Where the objects are within what `subject` names, e.g. `description.`. */
  prefix?: string;
  /** The value a field left out has (ODCS defaults such as `required: false`). */
  defaults?: Record<string, unknown>;
};

/**
 * Compares the fields of two objects (a property, a server, the contract...) by the handlers
 * given; a field with no handler that changed is judged by `otherwise`, by default as
 * `unclassified-change`, so nothing changes silently.
 */
export function diffFields(
  list: ChangeList,
  path: string,
  subject: string,
  oldObject: Record<string, unknown>,
  newObject: Record<string, unknown>,
  handlers: Record<string, FieldHandler>,
  {
    otherwise = unclassified,
    prefix = '',
    defaults = {},
  }: DiffFieldsOptions = {},
): void {
  for (const key of unionKeys(oldObject, newObject)) {
    const fallback = HAS_OWN.call(defaults, key) ? defaults[key] : undefined;
    const oldValue = oldObject[key] ?? fallback;
    const newValue = newObject[key] ?? fallback;
    const handler = HAS_OWN.call(handlers, key) ? handlers[key] : otherwise;
    if (handler === 'ignore' || list.ids.same(oldValue, newValue)) {
      continue;
    }
    const field = `${prefix}${key}`;
    const fieldPath = path ? `${path}.${key}` : key;
    if (typeof handler === 'function') {
      handler({ list, path: fieldPath, subject, field, oldValue, newValue });
    } else if (
      isJsonObject(oldValue) &&
      isJsonObject(newValue) &&
      prefix.length < MAX_PREFIX_LENGTH
    ) {
      // An object changed: say which of its fields did, e.g. `description.purpose`.
      diffFields(
        list,
        fieldPath,
        subject,
        oldValue,
        newValue,
        {},
        {
          otherwise: handler,
          prefix: `${field}.`,
        },
      );
    } else {
      list.add(
        handler,
        fieldPath,
        `${subject}: ${describeChange(field, oldValue, newValue)}`,
      );
    }
  }
}

/** The label of a list item in a path: its key, or its position when it has none. */
export function itemLabel(key: string | undefined, index: number): string {
  return key ?? `#${index + 1}`;
}

/** Custom properties compared by `property`: any change is `custom-property-changed`. */
export function diffCustomProperties({
  list,
  path,
  subject,
  oldValue,
  newValue,
}: FieldChange): void {
  type Custom = { id?: unknown; property?: unknown; value?: unknown };
  const olds = listOf<Custom>(oldValue);
  const news = listOf<Custom>(newValue);
  const { pairs, removed, added } = pairUp(olds, news, [
    item => text(item.id),
    item => text(item.property),
  ]);
  const label = (item: Custom) => text(item.property) ?? quote(item);
  for (const { item } of removed) {
    list.add(
      'custom-property-changed',
      `${path}[${label(item)}]`,
      `${subject}: custom property ${label(item)} removed (was ${quote(
        item.value,
      )})`,
    );
  }
  for (const { item } of added) {
    list.add(
      'custom-property-changed',
      `${path}[${label(item)}]`,
      `${subject}: custom property ${label(item)} added: ${quote(item.value)}`,
    );
  }
  for (const { before: a, after: b } of pairs) {
    if (list.ids.same(a, b)) continue;
    list.add(
      'custom-property-changed',
      `${path}[${label(b)}]`,
      `${subject}: custom property ${label(b)} changed from ${quote(
        a.value,
      )} to ${quote(b.value)}`,
    );
  }
  // Entries that are not objects are compared as a whole.
  const loose = (value: unknown) =>
    Array.isArray(value)
      ? value.filter(item => !isJsonObject(item))
      : value ?? [];
  if (!list.ids.same(loose(oldValue), loose(newValue))) {
    list.add(
      'custom-property-changed',
      path,
      `${subject}: ${describeChange('customProperties', oldValue, newValue)}`,
    );
  }
}
