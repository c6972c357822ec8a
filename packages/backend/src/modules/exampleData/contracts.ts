import { InputError } from '@backstage/errors';
import {
  OdcsContract,
  OdcsSchemaProperty,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A column of an example table, as its contract describes it. */
export interface ExampleColumn {
  name: string;
  logicalType: string;
  physicalType?: string;
  required: boolean;
  /** Position in the primary key, from 1; undefined when not part of it. */
  primaryKeyPosition?: number;
  unique: boolean;
  /** The values an `invalidValues` rule allows, when the contract lists them. */
  validValues?: Array<string | number>;
}

/** A table of an example output port: a schema object of its contract. */
export interface ExampleTable {
  /** The organisation folder under examples/, e.g. `hospital`. */
  organisation: string;
  /** The contract's data product. */
  product: string;
  contractId: string;
  /** The contract's first server (the example data: in PostgreSQL, then in DuckDB, one schema). */
  server: string;
  schema: string;
  /** The schema object's name in the contract. */
  name: string;
  /** The table's name in the database: its physicalName (else its name), in lower case. */
  tableName: string;
  columns: ExampleColumn[];
  /** The most a column's newest value may lag behind now (a `latency` SLO with an element). */
  freshness?: { column: string; maxAgeMs: number };
  /** How far back the data may reach (a `retention` SLO). */
  retentionMs?: number;
}

/** The example contracts: the text they were read from, and their tables. */
export interface ExampleContracts {
  contracts: Array<{ file: string; contract: OdcsContract }>;
  tables: ExampleTable[];
  /** A hash of every contract file read, by path: a change of any contract changes it. */
  hash: string;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The units of ODCS SLA properties in the examples, in milliseconds. */
const SLA_UNITS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  min: 60 * 1000,
  h: HOUR,
  d: DAY,
  y: 365 * DAY,
  month: 30 * DAY,
};

function slaMilliseconds(value: unknown, unit: unknown): number | undefined {
  const factor = SLA_UNITS[String(unit)];
  return typeof value === 'number' && factor ? value * factor : undefined;
}

/**
 * Where an example's tables live: its first server (the example data; the DuckDB copy that
 * follows it has the same schema) and its schema.
 */
function serverOf(contract: OdcsContract, file: string) {
  const server = contract.servers?.[0];
  const schema = server?.schema;
  if (!server?.server || typeof schema !== 'string' || !schema) {
    throw new InputError(
      `Example contract ${file}: servers[0] must name a server and the schema of its tables`,
    );
  }
  return { server: server.server, schema };
}

function validValuesOf(property: OdcsSchemaProperty) {
  for (const rule of property.quality ?? []) {
    const values = (rule.arguments as { validValues?: unknown } | undefined)
      ?.validValues;
    if (rule.metric === 'invalidValues' && Array.isArray(values)) {
      return values as Array<string | number>;
    }
  }
  return undefined;
}

function columnOf(property: OdcsSchemaProperty, where: string): ExampleColumn {
  if (!property.name || !property.logicalType) {
    throw new InputError(`${where}: a property needs a name and a logicalType`);
  }
  return {
    name: property.name,
    logicalType: property.logicalType,
    physicalType: property.physicalType,
    required: property.required === true,
    primaryKeyPosition: property.primaryKey
      ? property.primaryKeyPosition ?? 1
      : undefined,
    unique: property.unique === true,
    validValues: validValuesOf(property),
  };
}

/** The tables of one contract, with the service levels that bear on their data. */
export function tablesOfContract(
  contract: OdcsContract,
  file: string,
): ExampleTable[] {
  const { server, schema } = serverOf(contract, file);
  const organisation = file.split(/[\\/]/)[0];
  const sla = contract.slaProperties ?? [];
  const retention = sla.find(p => p.property === 'retention');
  return (contract.schema ?? []).map(object => {
    const name = String(object.name ?? '');
    const latency = sla.find(
      p =>
        (p.property === 'latency' || p.property === 'freshness') &&
        p.element?.split('.')[0] === name,
    );
    const maxAgeMs = latency && slaMilliseconds(latency.value, latency.unit);
    return {
      organisation,
      product: contract.dataProduct ?? '',
      contractId: contract.id,
      server,
      schema,
      name,
      tableName: String(object.physicalName ?? name).toLowerCase(),
      columns: (object.properties ?? []).map(property =>
        columnOf(property, `Example contract ${file}, ${name}`),
      ),
      freshness:
        latency?.element && maxAgeMs
          ? { column: latency.element.split('.')[1], maxAgeMs }
          : undefined,
      retentionMs:
        retention && slaMilliseconds(retention.value, retention.unit),
    };
  });
}

/**
 * Reads every example contract (`<examples>/<organisation>/contracts/*.odcs.yaml`) in a
 * stable order. The catalog and the examples' tests validate them against ODCS v3.1.0.
 */
export async function readExampleContracts(
  examplesDirectory: string,
): Promise<ExampleContracts> {
  const hash = createHash('sha256');
  const contracts: ExampleContracts['contracts'] = [];
  const organisations = (
    await fs.readdir(examplesDirectory, { withFileTypes: true })
  )
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
  for (const organisation of organisations) {
    const folder = path.join(examplesDirectory, organisation, 'contracts');
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter(n => n.endsWith('.odcs.yaml')).sort()) {
      const file = `${organisation}/contracts/${name}`;
      const text = await fs.readFile(path.join(folder, name), 'utf8');
      hash.update(`${file}\n${text}\n`);
      try {
        contracts.push({ file, contract: readOdcsContract(text) });
      } catch (error) {
        throw new InputError(
          `Example contract ${file}: ${(error as Error).message}`,
        );
      }
    }
  }
  if (contracts.length === 0) {
    throw new InputError(
      `No example contracts in ${examplesDirectory}: expected <organisation>/contracts/*.odcs.yaml`,
    );
  }
  const tables = contracts.flatMap(c => tablesOfContract(c.contract, c.file));
  const seen = new Map<string, string>();
  for (const table of tables) {
    const key = `${table.schema}.${table.tableName}`;
    const other = seen.get(key);
    if (other && other !== table.product) {
      throw new InputError(
        `Example contracts of ${other} and ${table.product} both define table ${key}`,
      );
    }
    seen.set(key, table.product);
  }
  return { contracts, tables, hash: hash.digest('hex') };
}
