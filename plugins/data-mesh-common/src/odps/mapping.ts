import { DataProductType, OutputPortType } from '../kinds';

/**
 * Annotation listing the DataProduct fields that were filled from configured defaults because
 * the ODPS document had no value for them (comma list: `owner`, `domain`). Governance flags
 * them and the export leaves them out.
 * @public
 */
export const ODPS_DEFAULTED_ANNOTATION = 'datamesh-portal.io/odps-defaulted';

/** Fields of a DataProduct that an ODPS import may fill from defaults. @public */
export type OdpsDefaultedField = 'owner' | 'domain';

/**
 * Turns an ODPS name (or id) into a catalog entity name: accents dropped, lowercase, runs of
 * anything but letters and digits replaced by `-`, trimmed, at most 63 characters. Returns an
 * empty string when nothing usable is left.
 * @public
 */
export function odpsNameToEntityName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

const OUTPUT_PORT_TYPE_ALIASES: Record<string, OutputPortType> = {
  table: 'table',
  tables: 'table',
  view: 'view',
  views: 'view',
  topic: 'topic',
  topics: 'topic',
  file: 'file',
  files: 'file',
  api: 'api',
  apis: 'api',
  rest: 'api',
  dashboard: 'dashboard',
  dashboards: 'dashboard',
  model: 'model',
  models: 'model',
  other: 'other',
};

/** Maps a free-text ODPS output port type (`tables`, `file`, `rest`...) to the kind's enum. */
export function odpsToOutputPortType(type: string): OutputPortType {
  return OUTPUT_PORT_TYPE_ALIASES[type.trim().toLowerCase()] ?? 'other';
}

/** ODPS v1.1.0 product `type` values and the kind's equivalents. */
export const ODPS_PRODUCT_TYPES: Record<string, DataProductType> = {
  sourceAligned: 'source-aligned',
  aggregate: 'aggregate',
  consumerAligned: 'consumer-aligned',
};

/** The kind's rule for a port name, the same as an entity name's. */
export const PORT_NAME_PATTERN = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;

/** Backstage's rule for a tag in `metadata.tags`. */
const TAG_PATTERN = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

export function isValidPortName(name: string): boolean {
  return name.length <= 63 && PORT_NAME_PATTERN.test(name);
}

export function isValidTag(tag: string): boolean {
  return tag.length >= 1 && tag.length <= 63 && TAG_PATTERN.test(tag);
}
