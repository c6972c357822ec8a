import { JsonObject, JsonValue } from '@backstage/types';
import {
  DATA_MESH_API_VERSION,
  DATA_PRODUCT_STATUSES,
  DataProductEntityV1alpha1,
  DataProductInputPort,
  DataProductOutputPort,
  DataProductStatus,
  DataProductSupportChannel,
  ODPS_ID_ANNOTATION,
  isValidDataProductEntity,
} from '../kinds';
import {
  ODPS_DEFAULTED_ANNOTATION,
  ODPS_PRODUCT_TYPES,
  OdpsDefaultedField,
  isValidPortName,
  isValidTag,
  odpsNameToEntityName,
  odpsToOutputPortType,
} from './mapping';
import { isJsonObject } from '../util/isJsonObject';
import { validateOdpsDocument } from './schemas';
import {
  formatProblems,
  inputErrorWithProblems,
  Problem,
  problemsOf,
} from '../validation/problems';
import { formatValue } from '../validation/schemaProblems';

function invalidDocument(problems: Problem[]) {
  return inputErrorWithProblems(
    `Invalid ODPS document: ${formatProblems(problems)}`,
    problems,
  );
}

/** Options of {@link importOdpsDocument}. @public */
export type OdpsImportOptions = {
  /** Owner ref used when the document has no team name, e.g. `group:data-platform`. */
  defaultOwner: string;
  /** Domain ref used when the document has no domain. */
  defaultDomain: string;
  /** Namespace of the entity; the catalog's default when absent. */
  namespace?: string;
};

/** Product fields with a first-class place in the DataProduct kind (or handled specially). */
const MAPPED_PRODUCT_FIELDS = new Set([
  'apiVersion',
  'kind',
  'id',
  'name',
  'version',
  'status',
  'domain',
  'description',
  'tags',
  'inputPorts',
  'outputPorts',
  'support',
  'team',
  'type',
]);

const DESCRIPTION_FIELDS = ['purpose', 'usage', 'limitations'] as const;

const PORT_NAME_RULE =
  'must be letters and digits separated by single - _ or ., at most 63 characters';

function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Takes the first-class fields out of an ODPS object; what is left goes to `odps`. */
class Extras {
  private readonly rest: JsonObject;

  constructor(source: JsonObject) {
    this.rest = { ...source };
  }

  /** The value at `key` when it is of the accepted type, removed from the extras. */
  private take<T extends JsonValue>(
    key: string,
    accepts: (value: JsonValue | undefined) => value is T,
  ): T | undefined {
    const value = this.rest[key];
    if (!accepts(value)) return undefined;
    delete this.rest[key];
    return value;
  }

  /** A non-empty string, removed from the extras; an empty string stays there. */
  takeNonEmpty(key: string): string | undefined {
    return this.take(
      key,
      (v): v is string => typeof v === 'string' && v !== '',
    );
  }

  takeString(key: string): string | undefined {
    return this.take(key, (v): v is string => typeof v === 'string');
  }

  takeBoolean(key: string): boolean | undefined {
    return this.take(key, (v): v is boolean => typeof v === 'boolean');
  }

  set(key: string, value: JsonValue) {
    this.rest[key] = value;
  }

  /** The remaining fields, or undefined when there are none. */
  remaining(): JsonObject | undefined {
    return Object.keys(this.rest).length > 0 ? this.rest : undefined;
  }
}

/**
 * ODPS keys ports by name and version, so a name may repeat across versions while the kind wants
 * unique port names. The first port keeps its name; a repeated one becomes `<name>-<version>`
 * (or `<name>-2`, `-3`... when that does not fit) and keeps its ODPS name in `odps.name`.
 */
function uniquePortNames<
  T extends { name: string; version?: string; odps?: JsonObject },
>(ports: T[]): T[] {
  const taken = new Set(ports.map(port => port.name));
  const firsts = new Set<string>();
  return ports.map(port => {
    // An invalid name is reported by the caller; only valid names are made unique.
    if (!firsts.has(port.name) || !isValidPortName(port.name)) {
      firsts.add(port.name);
      return port;
    }
    const version = (port.version ?? '')
      .replace(/[^a-zA-Z0-9.]+/g, '-')
      .replace(/[-_.]{2,}/g, '-')
      .replace(/^[-_.]+|[-_.]+$/g, '');
    let candidate = version ? `${port.name}-${version}` : '';
    for (let n = 2; !isValidPortName(candidate) || taken.has(candidate); n++) {
      const base = port.name
        .slice(0, 62 - String(n).length)
        .replace(/[-_.]+$/, '');
      candidate = `${base}-${n}`;
    }
    taken.add(candidate);
    return {
      ...port,
      name: candidate,
      odps: { ...port.odps, name: port.name },
    };
  });
}

function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** Adds the fields both kinds of port share, then whatever is left as the port's ODPS extras. */
function withSharedPortFields<
  T extends DataProductInputPort | DataProductOutputPort,
>(port: T, extras: Extras): T {
  const version = extras.takeNonEmpty('version');
  const contractId = extras.takeNonEmpty('contractId');
  const deprecated = extras.takeBoolean('deprecated');
  if (version !== undefined) port.version = version;
  if (contractId !== undefined) port.contractId = contractId;
  if (deprecated !== undefined) port.deprecated = deprecated;
  const rest = extras.remaining();
  if (rest) port.odps = rest;
  return port;
}

/**
 * Reads an ODPS document (v1.0.0, v1.1.0, or v0.9.0 migrated to v1.0.0) as a DataProduct
 * entity. Everything without a first-class place in the kind is kept in `spec.odps` (and in
 * each port's `odps`) so that {@link exportOdpsDocument} gives the document back.
 *
 * @throws InputError with the `problems` of an invalid document, each naming its field.
 * @public
 */
export function importOdpsDocument(
  doc: unknown,
  options: OdpsImportOptions,
): DataProductEntityV1alpha1 {
  const validation = validateOdpsDocument(doc);
  if (!validation.valid) {
    throw invalidDocument(validation.errors);
  }
  const source = doc as JsonObject;
  const problems: Problem[] = [];
  const odps: JsonObject = {};
  const defaulted: OdpsDefaultedField[] = [];

  if (source.apiVersion !== 'v1.0.0') {
    odps.apiVersion = source.apiVersion!;
  }
  // Fields without a first-class place are kept as they are.
  for (const [key, value] of Object.entries(source)) {
    if (!MAPPED_PRODUCT_FIELDS.has(key) && value !== undefined) {
      odps[key] = value;
    }
  }

  const id = source.id as string;
  const odpsName = asString(source.name);

  let name = odpsName === undefined ? '' : odpsNameToEntityName(odpsName);
  if (!name) {
    name = odpsNameToEntityName(id);
  }
  if (!name) {
    const field = odpsName === undefined ? 'id' : 'name';
    problems.push({
      field,
      message: `must contain letters or digits to name the entity, got ${formatValue(
        odpsName ?? id,
      )}`,
    });
  }

  const status = source.status as string;
  if (!(DATA_PRODUCT_STATUSES as readonly string[]).includes(status)) {
    problems.push({
      field: 'status',
      message: `must be one of ${DATA_PRODUCT_STATUSES.join(
        ', ',
      )}, got ${formatValue(status)}`,
    });
  }

  // v0.9.0 keeps the team as a list of members; v1.0.0 as an object with members.
  let team: JsonObject | undefined;
  if (Array.isArray(source.team)) {
    team = { members: source.team };
  } else if (isJsonObject(source.team)) {
    team = source.team;
  }
  if (team) {
    odps.team = team;
  }
  const ownerName = odpsNameToEntityName(asString(team?.name) ?? '');
  let owner = ownerName ? `group:${ownerName}` : undefined;
  if (!owner) {
    owner = options.defaultOwner;
    defaulted.push('owner');
  }

  const odpsDomain = asString(source.domain);
  let domain = odpsNameToEntityName(odpsDomain ?? '') || undefined;
  if (odpsDomain !== undefined && domain !== odpsDomain) {
    odps.domain = odpsDomain;
  }
  if (!domain) {
    domain = options.defaultDomain;
    defaulted.push('domain');
  }

  let type: DataProductEntityV1alpha1['spec']['type'];
  if (typeof source.type === 'string' && ODPS_PRODUCT_TYPES[source.type]) {
    type = ODPS_PRODUCT_TYPES[source.type];
  } else if (source.type !== undefined) {
    odps.type = source.type;
  }

  let version: string | undefined;
  if (typeof source.version === 'string' && source.version !== '') {
    version = source.version;
  } else if (source.version !== undefined) {
    odps.version = source.version;
  }

  const descriptions: Partial<
    Record<(typeof DESCRIPTION_FIELDS)[number], string>
  > = {};
  if (isJsonObject(source.description)) {
    const description = new Extras(source.description);
    for (const field of DESCRIPTION_FIELDS) {
      descriptions[field] = description.takeString(field);
    }
    const rest = description.remaining();
    if (rest || Object.keys(source.description).length === 0) {
      odps.description = rest ?? {};
    }
  }

  let tags: string[] | undefined;
  if (Array.isArray(source.tags)) {
    const all = source.tags as string[];
    if (all.length > 0 && all.every(isValidTag)) {
      tags = all;
    } else {
      odps.tags = all;
    }
  }

  const keepEmpty = (key: string) => {
    if (Array.isArray(source[key]) && (source[key] as []).length === 0) {
      odps[key] = [];
    }
  };
  const checkPortName = (field: string, portName: string) => {
    if (!isValidPortName(portName)) {
      problems.push({
        field,
        message: `${PORT_NAME_RULE}, got ${formatValue(portName)}`,
      });
    }
  };

  const inputPorts = uniquePortNames(
    objects(source.inputPorts).map((port, i) => {
      const extras = new Extras(port);
      const portName = extras.takeString('name') ?? '';
      checkPortName(`inputPorts[${i}].name`, portName);
      return withSharedPortFields<DataProductInputPort>(
        { name: portName },
        extras,
      );
    }),
  );
  keepEmpty('inputPorts');

  const outputPorts = uniquePortNames(
    objects(source.outputPorts).map((port, i) => {
      const extras = new Extras(port);
      const portName = extras.takeString('name') ?? '';
      checkPortName(`outputPorts[${i}].name`, portName);
      const description = extras.takeString('description');
      const odpsType = extras.takeString('type');
      const portType = odpsToOutputPortType(odpsType ?? '');
      if (odpsType !== portType) {
        // The original type, or null when the port had none: the export must not invent one.
        extras.set('type', odpsType ?? null);
      }
      const result: DataProductOutputPort = { name: portName, type: portType };
      if (description !== undefined) result.description = description;
      return withSharedPortFields(result, extras);
    }),
  );
  keepEmpty('outputPorts');

  const support = objects(source.support).map((entry, i) => {
    const extras = new Extras(entry);
    const channel = extras.takeNonEmpty('channel');
    if (channel === undefined) {
      problems.push({
        field: `support[${i}].channel`,
        message: 'must not be empty',
      });
    }
    const result: DataProductSupportChannel = { channel: channel ?? '' };
    for (const field of ['url', 'description', 'tool', 'scope'] as const) {
      const value = extras.takeString(field);
      if (value !== undefined) result[field] = value;
    }
    const rest = extras.remaining();
    if (rest) result.odps = rest;
    return result;
  });
  keepEmpty('support');

  if (problems.length > 0) {
    throw invalidDocument(problems);
  }

  const annotations: Record<string, string> = { [ODPS_ID_ANNOTATION]: id };
  if (defaulted.length > 0) {
    annotations[ODPS_DEFAULTED_ANNOTATION] = defaulted.join(',');
  }

  const entity: DataProductEntityV1alpha1 = {
    apiVersion: DATA_MESH_API_VERSION,
    kind: 'DataProduct',
    metadata: {
      name,
      ...(options.namespace !== undefined && { namespace: options.namespace }),
      ...(odpsName !== undefined && { title: odpsName }),
      ...(descriptions.purpose && { description: descriptions.purpose }),
      ...(tags && { tags }),
      annotations,
    },
    spec: {
      owner,
      domain,
      status: status as DataProductStatus,
      ...(type && { type }),
      ...(version !== undefined && { version }),
      ...(descriptions.purpose !== undefined && {
        purpose: descriptions.purpose,
      }),
      ...(descriptions.usage !== undefined && { usage: descriptions.usage }),
      ...(descriptions.limitations !== undefined && {
        limitations: descriptions.limitations,
      }),
      ...(inputPorts.length > 0 && { inputPorts }),
      ...(outputPorts.length > 0 && { outputPorts }),
      ...(support.length > 0 && { support }),
      ...(Object.keys(odps).length > 0 && { odps }),
    },
  };

  try {
    isValidDataProductEntity(entity);
  } catch (error) {
    // The problems name fields of the entity (`spec.owner`), not of the document.
    throw inputErrorWithProblems(
      `ODPS document ${formatValue(id)} does not make a valid DataProduct: ${
        (error as Error).message
      }`,
      problemsOf(error) ?? [],
    );
  }
  return entity;
}
