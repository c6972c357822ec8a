import { parseEntityRef } from '@backstage/catalog-model';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  DataProductEntityV1alpha1,
  DataProductInputPort,
  DataProductOutputPort,
  DataProductSupportChannel,
  ODPS_ID_ANNOTATION,
} from '../kinds';
import { ODPS_DEFAULTED_ANNOTATION, odpsNameToEntityName } from './mapping';
import { isJsonObject } from '../util/isJsonObject';
import { pruneToOdpsV100 } from './schemas';

/** Sets a key, or removes it when the value is undefined. */
function put(target: JsonObject, key: string, value: JsonValue | undefined) {
  if (value === undefined) {
    delete target[key];
  } else {
    target[key] = value;
  }
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/**
 * The name of a ref in the entity's spec, or the original ODPS value it was slugged from when
 * that still matches.
 */
function refName(
  ref: string,
  defaultKind: string,
  entity: DataProductEntityV1alpha1,
  original: JsonValue | undefined,
): string {
  const { name } = parseEntityRef(ref, {
    defaultKind,
    defaultNamespace: entity.metadata.namespace ?? 'default',
  });
  return typeof original === 'string' && odpsNameToEntityName(original) === name
    ? original
    : name;
}

function inputPort(port: DataProductInputPort): JsonObject | undefined {
  const out: JsonObject = { ...port.odps };
  // odps.name keeps the ODPS name of a port renamed to make names unique.
  put(out, 'name', typeof out.name === 'string' ? out.name : port.name);
  put(out, 'version', port.version ?? out.version);
  put(out, 'contractId', port.contractId ?? out.contractId);
  // ODPS requires both; a port without them has no ODPS form.
  return typeof out.version === 'string' && typeof out.contractId === 'string'
    ? out
    : undefined;
}

function outputPort(port: DataProductOutputPort): JsonObject | undefined {
  const out: JsonObject = { ...port.odps };
  // odps.name keeps the ODPS name of a port renamed to make names unique.
  put(out, 'name', typeof out.name === 'string' ? out.name : port.name);
  put(out, 'description', port.description);
  // odps.type keeps the document's own type; null when the document had none.
  put(out, 'type', port.odps && 'type' in port.odps ? out.type : port.type);
  if (out.type === null) {
    delete out.type;
  }
  put(out, 'version', port.version ?? out.version);
  put(out, 'contractId', port.contractId ?? out.contractId);
  // ODPS requires a version.
  return typeof out.version === 'string' ? out : undefined;
}

function supportChannel(
  channel: DataProductSupportChannel,
): JsonObject | undefined {
  const out: JsonObject = { ...channel.odps };
  put(out, 'channel', channel.channel);
  put(out, 'url', channel.url);
  put(out, 'description', channel.description);
  put(out, 'tool', channel.tool);
  put(out, 'scope', channel.scope);
  // ODPS requires a URL.
  return typeof out.url === 'string' ? out : undefined;
}

function defined<T>(items: Array<T | undefined>): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/**
 * Writes a DataProduct as an ODPS v1.0.0 document, valid against the official v1.0.0 schema.
 * For an imported product this gives the original document back (v0.9.0 migrated to the
 * v1.0.0 structure; v1.1.0-only fields left out). Fields that ODPS has no place for (entity
 * refs such as `contract` and `dataProduct`, classification, SLOs...) are left out, and so are
 * ports and support channels lacking what ODPS requires (input ports without `version` and
 * `contractId`, output ports without `version`, channels without `url`).
 * @public
 */
export function exportOdpsDocument(
  entity: DataProductEntityV1alpha1,
): JsonObject {
  const { metadata, spec } = entity;
  const odps: JsonObject = { ...spec.odps };
  const defaulted = new Set(
    (metadata.annotations?.[ODPS_DEFAULTED_ANNOTATION] ?? '')
      .split(',')
      .map(field => field.trim()),
  );

  // Start from the ODPS fields kept on import; the schema prune below drops what v1.0.0 lacks.
  const doc: JsonObject = { ...odps };

  put(
    doc,
    'apiVersion',
    odps.apiVersion === 'v0.9.0' || odps.apiVersion === 'v1.0.0'
      ? odps.apiVersion
      : 'v1.0.0',
  );
  put(doc, 'kind', 'DataProduct');
  put(
    doc,
    'id',
    metadata.annotations?.[ODPS_ID_ANNOTATION] ??
      metadata.uid ??
      `${metadata.namespace ?? 'default'}/${metadata.name}`,
  );
  const imported = metadata.annotations?.[ODPS_ID_ANNOTATION] !== undefined;
  // An imported product without a title came from a document without a name.
  put(doc, 'name', metadata.title ?? (imported ? undefined : metadata.name));
  put(doc, 'version', spec.version ?? odps.version);
  put(doc, 'status', spec.status);

  if (defaulted.has('domain')) {
    put(doc, 'domain', odps.domain);
  } else {
    put(doc, 'domain', refName(spec.domain, 'Domain', entity, odps.domain));
  }

  const description: JsonObject = isJsonObject(odps.description)
    ? { ...odps.description }
    : {};
  put(description, 'purpose', spec.purpose ?? metadata.description);
  put(description, 'limitations', spec.limitations);
  put(description, 'usage', spec.usage);
  put(
    doc,
    'description',
    Object.keys(description).length > 0 || isJsonObject(odps.description)
      ? description
      : undefined,
  );

  put(
    doc,
    'tags',
    Array.isArray(odps.tags) ? odps.tags : nonEmpty(metadata.tags ?? []),
  );

  put(
    doc,
    'inputPorts',
    nonEmpty(defined((spec.inputPorts ?? []).map(inputPort))) ??
      odps.inputPorts,
  );
  put(
    doc,
    'outputPorts',
    nonEmpty(defined((spec.outputPorts ?? []).map(outputPort))) ??
      odps.outputPorts,
  );
  put(
    doc,
    'support',
    nonEmpty(defined((spec.support ?? []).map(supportChannel))) ?? odps.support,
  );

  const team: JsonObject = isJsonObject(odps.team) ? { ...odps.team } : {};
  if (!defaulted.has('owner')) {
    put(team, 'name', refName(spec.owner, 'Group', entity, team.name));
  }
  // An empty team the document had stays, as an empty description does: the export is lossless.
  put(
    doc,
    'team',
    Object.keys(team).length > 0 || isJsonObject(odps.team) ? team : undefined,
  );

  return pruneToOdpsV100(doc);
}
