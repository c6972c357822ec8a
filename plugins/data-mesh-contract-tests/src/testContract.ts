import {
  isJsonObject,
  listOf,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  OdcsServer,
  OdcsSlaProperty,
} from '@datamesh-portal/plugin-data-mesh-common';
import { DataServer } from './servers/types';
import { ContractCheck, ContractTestResult } from './types';
import { chooseContractServer, resolveTarget, Target } from './checks/targets';
import { testObject } from './checks/testObject';

/**
 * Options of {@link testContract}.
 * @public
 */
export interface TestContractOptions {
  /** The opened data servers by config id, or a lookup of them. */
  servers:
    | ReadonlyMap<string, DataServer>
    | ((id: string) => DataServer | undefined);
  /**
   * Which of the contract's `servers[].server` to test; default the first that `servers`
   * holds, of the dialect its type needs (see {@link chooseContractServer}).
   */
  server?: string;
  /** The time freshness and retention are measured against; default now. */
  now?: Date;
  /** Aborts the running query; the checks not done yet end as `error`. */
  signal?: AbortSignal;
}

/** The service levels this engine measures, by ODCS property name. */
const MEASURED_SLAS: Record<string, 'freshness' | 'retention'> = {
  latency: 'freshness',
  freshness: 'freshness',
  retention: 'retention',
};

function summarize(checks: ContractCheck[]): ContractTestResult['summary'] {
  const count = (outcome: ContractCheck['outcome']) =>
    checks.filter(check => check.outcome === outcome).length;
  return {
    passed: count('pass'),
    failed: count('fail'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

/**
 * Tests a parsed ODCS contract against the data on one of its servers: the schema (tables,
 * columns, types, required, keys), its quality rules and its freshness and retention service
 * levels. Never throws for a bad contract, server or rule: each becomes an `error` check that
 * names the contract, object and check. Credentials come from the servers given, never from
 * the contract.
 * @public
 */
export async function testContract(
  contract: unknown,
  options: TestContractOptions,
): Promise<ContractTestResult> {
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  const document = isJsonObject(contract) ? contract : {};
  const id = typeof document.id === 'string' ? document.id : '';
  const version = typeof document.version === 'string' ? document.version : '';
  const label = `Contract ${id || '(no id)'}${version ? ` ${version}` : ''}`;
  const objects = listOf<OdcsSchemaObject>(document.schema);
  const servers = listOf<OdcsServer>(document.servers);
  const lookup = options.servers;
  const serverOf = (name: string) =>
    typeof lookup === 'function' ? lookup(name) : lookup.get(name);
  const serverId =
    options.server ??
    chooseContractServer(servers, name => serverOf(name)?.dialect) ??
    '';
  const entry = servers.find(e => serverId && e.server === serverId);
  const server = serverOf(serverId);

  const target = resolveTarget(label, entry, serverId, server, objects);
  const slas = listOf<OdcsSlaProperty>(document.slaProperties).filter(
    sla => MEASURED_SLAS[String(sla.property ?? '').toLowerCase()],
  );
  const checks: ContractCheck[] = [];
  if (typeof target === 'string') {
    for (const object of objects.length > 0 ? objects : [{}]) {
      checks.push({
        object: String(object.name ?? ''),
        metric: 'exists',
        outcome: 'error',
        message: target,
      });
    }
  } else {
    const assigned = assignSlas(
      slas,
      objects,
      typeof document.slaDefaultElement === 'string'
        ? document.slaDefaultElement
        : undefined,
    );
    checks.push(...assigned.problems.map(check => withLabel(label, check)));
    for (const object of objects) {
      checks.push(
        ...(await testObject({
          label,
          object,
          objects,
          target: target as Target,
          slas: assigned.byObject.get(object) ?? [],
          now,
          signal: options.signal,
        })),
      );
    }
  }
  return {
    id,
    version,
    server: serverId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    checks,
    summary: summarize(checks),
  };
}

function withLabel(label: string, check: ContractCheck): ContractCheck {
  return check.message
    ? { ...check, message: `${label}, ${check.message}` }
    : check;
}

/** A service level measured on one column of one object. */
export interface AssignedSla {
  sla: OdcsSlaProperty;
  metric: 'freshness' | 'retention';
  element: string;
  property: OdcsSchemaProperty;
}

/** Finds the object and column each freshness and retention element names. */
function assignSlas(
  slas: OdcsSlaProperty[],
  objects: OdcsSchemaObject[],
  defaultElement: string | undefined,
): {
  byObject: Map<OdcsSchemaObject, AssignedSla[]>;
  problems: ContractCheck[];
} {
  const byObject = new Map<OdcsSchemaObject, AssignedSla[]>();
  const problems: ContractCheck[] = [];
  const same = (a: unknown, b: string) =>
    typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
  for (const sla of slas) {
    const metric = MEASURED_SLAS[String(sla.property).toLowerCase()];
    const elements = String(sla.element ?? defaultElement ?? '')
      .split(',')
      .map(element => element.trim());
    for (const element of elements) {
      const dot = element.lastIndexOf('.');
      const tableName = dot > 0 ? element.slice(0, dot) : undefined;
      const columnName = dot > 0 ? element.slice(dot + 1) : element;
      // Without a table, the element is a column of the only object.
      const onlyObject = objects.length === 1 ? objects[0] : undefined;
      const object = tableName
        ? objects.find(
            o => same(o.name, tableName) || same(o.physicalName, tableName),
          )
        : onlyObject;
      const property = listOf<OdcsSchemaProperty>(object?.properties).find(
        p => same(p.name, columnName) || same(p.physicalName, columnName),
      );
      if (!object || !property) {
        problems.push({
          object: String(object?.name ?? tableName ?? ''),
          metric,
          // A promise with nothing named to measure it on is not measured (ODCS makes the
          // element optional); an element that names nothing is the contract's error.
          outcome: element ? 'error' : 'skipped',
          name: String(sla.property),
          message: !element
            ? `${metric} (slaProperties ${sla.property}): it names no element (table.column) and there is no slaDefaultElement, so there is nothing to measure it on`
            : `${metric} (slaProperties ${
                sla.property
              }): its element ${element} names no ${
                object ? 'property of that object' : 'schema object'
              } of the contract`,
        });
        continue;
      }
      const list = byObject.get(object) ?? [];
      list.push({ sla, metric, element, property });
      byObject.set(object, list);
    }
  }
  return { byObject, problems };
}
