import {
  listOf,
  OdcsQualityRule,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  serviceLevelDurationMs,
} from '@datamesh-portal/plugin-data-mesh-common';
import { quoteIdentifier } from '../servers/sqlText';
import { describeFailure } from '../servers/failures';
import { aggregateOfRule } from '../sql/foldSqlRule';
import { guardSqlRule } from '../sql/guardSqlRule';
import { ContractCheck, ContractCheckMetric } from '../types';
import type { AssignedSla } from '../testContract';
import { AggregateQuery, duplicateQuery } from './aggregateQuery';
import { formatDuration } from './durations';
import { FoundTable, tableName, Target } from './targets';
import { thresholdOf } from './thresholds';
import { compareTypes } from './typeCompatibility';

type Base = Omit<ContractCheck, 'outcome'>;
type Verdict = Pick<
  ContractCheck,
  'outcome' | 'measured' | 'message' | 'expected' | 'timestamp'
>;

/** What the queries of one object measured; reading a failed query throws its error. */
interface Measurements {
  value(alias: string): unknown;
  rows(): number;
  duplicates(key: string): number;
  rule(index: number): Record<string, unknown>[];
}

/**
 * The queries one object's checks need: one aggregate scan, the duplicate counts of its key
 * sets (see planDuplicates) and one query per sql rule not measured in the scan.
 */
interface Plan {
  /** The quoted column of a property found on the server. */
  column(property: OdcsSchemaProperty): string;
  aggregate: AggregateQuery;
  /** Asks for the duplicate count of a key set, returns its key. */
  duplicates(columns: string[]): string;
  /**
   * Asks for a rule's query to run, returns its index. `inScan`: an expression of the scan
   * that measures the same (see aggregateOfRule), read instead unless the scan fails.
   */
  rule(sql: string, inScan?: string): number;
}

/** How a check is judged from the measurements, its verdict already, or why it cannot run. */
type Prepared = ((m: Measurements) => Verdict) | Verdict | string;

interface Spec {
  base: Base;
  /** Properties that must exist on the server for the check to run. */
  needs: OdcsSchemaProperty[];
  /** Adds the check's queries to the plan and returns how to judge it, or why it cannot run. */
  prepare(plan: Plan): Promise<Prepared>;
}

const propertyName = (property: OdcsSchemaProperty) =>
  String(property.name ?? property.physicalName ?? '');
const columnName = (property: OdcsSchemaProperty) =>
  String(property.physicalName ?? property.name ?? '');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const round = (n: number) => Math.round(n * 10000) / 10000;

/** How a rule's measurement in `unit` is computed from a count of rows. */
function inUnit(rule: OdcsQualityRule): { unit: 'rows' | 'percent' } | string {
  const unit = String(rule.unit ?? 'rows').toLowerCase();
  if (unit === 'rows' || unit === 'percent') return { unit };
  return `its unit ${JSON.stringify(rule.unit)} is not rows or percent`;
}

/** Judges a count (of rows or percent of rows) against a library rule's threshold. */
function judgeCount(
  rule: OdcsQualityRule,
  count: (m: Measurements) => number,
  what: string,
): Prepared {
  const unit = inUnit(rule);
  if (typeof unit === 'string') return unit;
  const threshold = thresholdOf(rule, unit.unit === 'percent' ? '%' : 'rows');
  if (typeof threshold === 'string') return threshold;
  return m => {
    const rows = count(m);
    const total = m.rows();
    const measured =
      unit.unit === 'percent' ? round(total ? (rows / total) * 100 : 0) : rows;
    const holds = threshold.holds(measured);
    return {
      outcome: holds ? 'pass' : 'fail',
      expected: threshold.expected,
      measured,
      message: holds
        ? undefined
        : `${plural(rows, 'row')} of ${total} ${what}${
            unit.unit === 'percent' ? ` (${measured} %)` : ''
          }, expected ${threshold.expected}`,
    };
  };
}

/** Values of a rule argument as strings, compared with the column's text. */
function listArgument(
  rule: OdcsQualityRule,
  name: string,
): { values: string[] } | string | undefined {
  const args = rule.arguments as Record<string, unknown> | undefined;
  const list = args?.[name];
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.some(v => typeof v === 'object' && v)) {
    return `arguments.${name} must be a list of values`;
  }
  // NULLs are always missing and never invalid: a null in the list changes nothing.
  return { values: list.filter(v => v !== null).map(String) };
}

function libraryRule(
  rule: OdcsQualityRule,
  metric: string,
  object: OdcsSchemaObject,
  property: OdcsSchemaProperty | undefined,
  dialect: 'duckdb' | 'postgres',
): Pick<Spec, 'needs' | 'prepare'> {
  const asText = (column: string) => `CAST(${column} AS VARCHAR)`;
  const inList = (plan: Plan, column: string, values: string[]) =>
    `${asText(column)} IN (${values
      .map(v => plan.aggregate.param(v))
      .join(', ')})`;
  const needsProperty = (
    prepare: (plan: Plan, p: OdcsSchemaProperty) => Prepared,
  ): Pick<Spec, 'needs' | 'prepare'> =>
    property
      ? { needs: [property], prepare: async plan => prepare(plan, property) }
      : {
          needs: [],
          prepare: async () =>
            `metric ${metric} needs a property; put the rule on one`,
        };

  switch (metric) {
    case 'rowCount':
      return {
        needs: [],
        prepare: async () => {
          const threshold = thresholdOf(rule, 'rows');
          if (typeof threshold === 'string') return threshold;
          return m => {
            const rows = m.rows();
            const holds = threshold.holds(rows);
            return {
              outcome: holds ? 'pass' : 'fail',
              expected: threshold.expected,
              measured: rows,
              message: holds
                ? undefined
                : `the table has ${plural(rows, 'row')}, expected ${
                    threshold.expected
                  }`,
            };
          };
        },
      };
    case 'nullValues':
      return needsProperty((plan, p) => {
        const alias = plan.aggregate.add(
          `COUNT(*) FILTER (WHERE ${plan.column(p)} IS NULL)`,
        );
        return judgeCount(rule, m => Number(m.value(alias)), 'are null');
      });
    case 'missingValues':
      return needsProperty((plan, p) => {
        const list = listArgument(rule, 'missingValues') ?? { values: [] };
        if (typeof list === 'string') return list;
        const column = plan.column(p);
        const alias = plan.aggregate.add(
          `COUNT(*) FILTER (WHERE ${column} IS NULL${
            list.values.length ? ` OR ${inList(plan, column, list.values)}` : ''
          })`,
        );
        return judgeCount(rule, m => Number(m.value(alias)), 'are missing');
      });
    case 'invalidValues':
      return needsProperty((plan, p) => {
        const list = listArgument(rule, 'validValues');
        if (typeof list === 'string') return list;
        const args = rule.arguments as Record<string, unknown> | undefined;
        const pattern = args?.pattern;
        if (pattern !== undefined && typeof pattern !== 'string') {
          return 'arguments.pattern must be a regular expression';
        }
        if (pattern !== undefined) {
          // A pattern the server cannot compile would fail the whole shared scan.
          try {
            new RegExp(pattern, 'u'); // eslint-disable-line no-new
          } catch (error) {
            return `arguments.pattern is not a valid regular expression: ${
              (error as Error).message
            }`;
          }
        }
        if (!list && pattern === undefined) {
          return 'metric invalidValues needs arguments.validValues or arguments.pattern';
        }
        const column = plan.column(p);
        const invalid: string[] = [];
        if (list) {
          invalid.push(
            list.values.length
              ? `NOT ${inList(plan, column, list.values)}`
              : 'TRUE',
          );
        }
        if (pattern !== undefined) {
          // A pattern matches anywhere in the value, as RegExp.test does. On DuckDB that is said
          // as a full match of the pattern between any text: regexp_full_match runs once per
          // distinct value of a dictionary-compressed column, regexp_matches once per row
          // (10M rows of 1000 codes: 17 ms against 230 ms; about 10 % slower on unique values).
          // The pattern compiled as a RegExp above, so its groups are balanced.
          invalid.push(
            dialect === 'postgres'
              ? `${asText(column)} !~ ${plan.aggregate.param(pattern)}`
              : `NOT regexp_full_match(${asText(
                  column,
                )}, ${plan.aggregate.param(`(?s:.*)(?:${pattern})(?s:.*)`)})`,
          );
        }
        const alias = plan.aggregate.add(
          `COUNT(*) FILTER (WHERE ${column} IS NOT NULL AND (${invalid.join(
            ' OR ',
          )}))`,
        );
        return judgeCount(rule, m => Number(m.value(alias)), 'are invalid');
      });
    case 'duplicateValues': {
      if (property) {
        return {
          needs: [property],
          prepare: async plan => {
            const key = plan.duplicates([columnName(property)]);
            return judgeCount(rule, m => m.duplicates(key), 'repeat a value');
          },
        };
      }
      const args = rule.arguments as Record<string, unknown> | undefined;
      const names = args?.properties;
      const all = listOf<OdcsSchemaProperty>(object.properties);
      const keyProperties = Array.isArray(names)
        ? names.map(name => all.find(p => propertyName(p) === name))
        : [];
      if (
        !Array.isArray(names) ||
        names.length === 0 ||
        keyProperties.some(p => !p)
      ) {
        return {
          needs: [],
          prepare: async () =>
            'metric duplicateValues on an object needs arguments.properties, a list of its property names',
        };
      }
      return {
        needs: keyProperties as OdcsSchemaProperty[],
        prepare: async plan => {
          const key = plan.duplicates(
            (keyProperties as OdcsSchemaProperty[]).map(columnName),
          );
          return judgeCount(rule, m => m.duplicates(key), 'repeat a key');
        },
      };
    }
    default:
      return {
        needs: [],
        prepare: async () =>
          `metric ${JSON.stringify(
            metric,
          )} is not one ODCS defines (rowCount, nullValues, missingValues, invalidValues, duplicateValues)`,
      };
  }
}

/** The value a rule's query returned, as a number where it is one. */
function ruleValue(rows: Record<string, unknown>[]): number | string {
  if (rows.length !== 1 || Object.keys(rows[0]).length !== 1) {
    throw new Error(
      `the query must return one value, it returned ${plural(
        rows.length,
        'row',
      )} of ${plural(Object.keys(rows[0] ?? {}).length, 'column')}`,
    );
  }
  const value = Object.values(rows[0])[0];
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value === null) throw new Error('the query returned NULL');
  return String(value);
}

function sqlRule(
  rule: OdcsQualityRule,
  property: OdcsSchemaProperty | undefined,
  target: Target,
  found: () => FoundTable,
  object: OdcsSchemaObject,
  objects: OdcsSchemaObject[],
): Pick<Spec, 'needs' | 'prepare'> {
  return {
    needs: property ? [property] : [],
    prepare: async plan => {
      const query = rule.query;
      if (typeof query !== 'string' || !query.trim()) {
        return 'a sql rule needs its query';
      }
      if (!property && query.includes('${column}')) {
        return 'its query uses ${column}, but the rule is not on a property';
      }
      const sql = query
        .replace(/\$\{table\}/g, target.ruleTable(found(), object))
        .replace(/\$\{column\}/g, () => plan.column(property!));
      const tables = new Set(
        objects.flatMap(o =>
          [o.name, o.physicalName]
            .filter((n): n is string => typeof n === 'string')
            .map(n => n.toLowerCase()),
        ),
      );
      const refusal = await guardSqlRule(sql, target.server.dialect, {
        tables,
        schema: target.schema,
      });
      if (refusal) return `its query was refused: ${refusal}`;
      const threshold = thresholdOf(rule, String(rule.unit ?? ''));
      if (typeof threshold === 'string') return threshold;
      const index = plan.rule(
        target.ruleQuery(sql, objects),
        target.server.dialect === 'postgres'
          ? await aggregateOfRule(sql, target.ruleTable(found(), object))
          : undefined,
      );
      return m => {
        const measured = ruleValue(m.rule(index));
        const holds = threshold.holds(measured);
        return {
          outcome: holds ? 'pass' : 'fail',
          expected: threshold.expected,
          measured,
          message: holds
            ? undefined
            : `the query returned ${measured}, expected ${threshold.expected}`,
        };
      };
    },
  };
}

function slaSpec(
  assigned: AssignedSla,
  now: Date,
): Pick<Spec, 'needs' | 'prepare'> {
  const { sla, metric, property } = assigned;
  return {
    needs: [property],
    prepare: async plan => {
      const limit = serviceLevelDurationMs(sla.value, sla.unit);
      if (typeof limit === 'string') return limit;
      const alias = plan.aggregate.add(
        `${metric === 'freshness' ? 'MAX' : 'MIN'}(${plan.column(property)})`,
      );
      return m => {
        const value = m.value(alias);
        if (value === null || value === undefined) {
          return metric === 'freshness'
            ? { outcome: 'fail', message: `${assigned.element} has no values` }
            : { outcome: 'pass' };
        }
        const time =
          value instanceof Date ? value.getTime() : Date.parse(String(value));
        if (Number.isNaN(time)) {
          throw new Error(
            `${assigned.element} is not a date or timestamp column (its ${
              metric === 'freshness' ? 'newest' : 'oldest'
            } value is ${JSON.stringify(value)})`,
          );
        }
        const age = now.getTime() - time;
        const holds = age <= limit;
        const which = metric === 'freshness' ? 'newest' : 'oldest';
        return {
          outcome: holds ? 'pass' : 'fail',
          measured: formatDuration(age),
          timestamp: new Date(time).toISOString(),
          message: holds
            ? undefined
            : `the ${which} value of ${assigned.element} is ${formatDuration(
                age,
              )} old, more than ${sla.value} ${sla.unit}`,
        };
      };
    },
  };
}

function qualitySpecs(
  rules: unknown,
  object: OdcsSchemaObject,
  property: OdcsSchemaProperty | undefined,
  target: Target,
  found: () => FoundTable,
  objects: OdcsSchemaObject[],
): Spec[] {
  return listOf<OdcsQualityRule>(rules).map(rule => {
    const type = String(rule.type ?? 'library').toLowerCase();
    const metricName = String(rule.metric ?? rule.rule ?? '');
    const name =
      [rule.name, rule.description].find(
        (n): n is string => typeof n === 'string' && n !== '',
      ) ?? undefined;
    const base = (metric: ContractCheckMetric): Base => ({
      object: String(object.name ?? ''),
      ...(property ? { property: propertyName(property) } : {}),
      metric,
      ...(name ? { name } : {}),
    });
    if (type === 'sql') {
      return {
        base: base('sql'),
        ...sqlRule(rule, property, target, found, object, objects),
      };
    }
    if (type === 'text' || type === 'custom') {
      const why =
        type === 'text'
          ? 'a text rule describes quality in words, for people to check'
          : `a custom rule${
              rule.engine ? ` for ${rule.engine}` : ''
            } runs in its own engine, not here`;
      return {
        base: base(type),
        needs: [],
        prepare: async () => ({ outcome: 'skipped', message: why }),
      };
    }
    if (type !== 'library') {
      return {
        base: base('custom'),
        needs: [],
        prepare: async () =>
          `its type ${JSON.stringify(
            rule.type,
          )} is not library, sql, text or custom`,
      };
    }
    const known = [
      'rowCount',
      'nullValues',
      'missingValues',
      'invalidValues',
      'duplicateValues',
    ].includes(metricName);
    return {
      base: base(known ? (metricName as ContractCheckMetric) : 'custom'),
      ...libraryRule(rule, metricName, object, property, target.server.dialect),
    };
  });
}

/** The key columns of an object in `primaryKeyPosition` order. */
function primaryKey(properties: OdcsSchemaProperty[]): OdcsSchemaProperty[] {
  const position = (p: OdcsSchemaProperty) =>
    typeof p.primaryKeyPosition === 'number' && p.primaryKeyPosition > 0
      ? p.primaryKeyPosition
      : Number.MAX_SAFE_INTEGER;
  return properties
    .filter(p => p.primaryKey === true)
    .map((p, index) => ({ p, index }))
    .sort((a, b) => position(a.p) - position(b.p) || a.index - b.index)
    .map(({ p }) => p);
}

function countSpec(
  base: Base,
  needs: OdcsSchemaProperty[],
  prepare: (plan: Plan) => (m: Measurements) => Verdict,
): Spec {
  return { base, needs, prepare: async plan => prepare(plan) };
}

/** The checks of one object, in the order they are reported. */
function specsOf(
  object: OdcsSchemaObject,
  objects: OdcsSchemaObject[],
  target: Target,
  slas: AssignedSla[],
  found: () => FoundTable,
  now: Date,
): Spec[] {
  const objectName = String(object.name ?? '');
  const properties = listOf<OdcsSchemaProperty>(object.properties);
  const specs: Spec[] = [];
  for (const property of properties) {
    const base = (metric: ContractCheckMetric): Base => ({
      object: objectName,
      property: propertyName(property),
      metric,
    });
    specs.push({
      base: base('exists'),
      needs: [property],
      prepare: async () => ({ outcome: 'pass' }),
    });
    const logicalType =
      typeof property.logicalType === 'string'
        ? property.logicalType
        : undefined;
    const physicalType =
      typeof property.physicalType === 'string'
        ? property.physicalType
        : undefined;
    if (logicalType || physicalType) {
      specs.push({
        base: {
          ...base('type'),
          expected: [logicalType, physicalType].filter(Boolean).join(' / '),
        },
        needs: [property],
        prepare: async () => {
          const column = columnOf(found(), property);
          const actual = found().columns.find(c => c.name === column)!.type;
          const { mismatch, note } = compareTypes(
            actual,
            { logicalType, physicalType },
            target.server.dialect,
          );
          return {
            outcome: mismatch ? 'fail' : 'pass',
            measured: actual,
            ...(mismatch || note ? { message: mismatch ?? note } : {}),
          };
        },
      });
    }
    if (property.required === true) {
      specs.push(
        countSpec(
          { ...base('required'), expected: '0 nulls' },
          [property],
          plan => {
            const alias = plan.aggregate.add(
              `COUNT(*) FILTER (WHERE ${plan.column(property)} IS NULL)`,
            );
            return m => {
              const nulls = Number(m.value(alias));
              return {
                outcome: nulls === 0 ? 'pass' : 'fail',
                measured: nulls,
                message: nulls ? `${plural(nulls, 'row')} are null` : undefined,
              };
            };
          },
        ),
      );
    }
    if (property.unique === true) {
      specs.push(
        countSpec(
          { ...base('unique'), expected: '0 duplicates' },
          [property],
          plan => {
            const key = plan.duplicates([columnName(property)]);
            return m => {
              const duplicates = m.duplicates(key);
              return {
                outcome: duplicates === 0 ? 'pass' : 'fail',
                measured: duplicates,
                message: duplicates
                  ? `${plural(duplicates, 'row')} repeat a value`
                  : undefined,
              };
            };
          },
        ),
      );
    }
  }
  const key = primaryKey(properties);
  if (key.length > 0) {
    specs.push(
      countSpec(
        {
          object: objectName,
          property: key.map(propertyName).join(', '),
          metric: 'primaryKey',
          expected: '0 duplicates, 0 nulls',
        },
        key,
        plan => {
          const nullsAlias = plan.aggregate.add(
            `COUNT(*) FILTER (WHERE ${key
              .map(p => `${plan.column(p)} IS NULL`)
              .join(' OR ')})`,
          );
          const duplicatesKey = plan.duplicates(key.map(columnName));
          return m => {
            const nulls = Number(m.value(nullsAlias));
            const duplicates = m.duplicates(duplicatesKey);
            const problems = [
              duplicates ? `${plural(duplicates, 'row')} repeat a key` : '',
              nulls ? `${plural(nulls, 'row')} have a null key` : '',
            ].filter(Boolean);
            return {
              outcome: problems.length ? 'fail' : 'pass',
              measured: duplicates + nulls,
              message: problems.length ? problems.join(', ') : undefined,
            };
          };
        },
      ),
    );
  }
  specs.push(
    ...qualitySpecs(object.quality, object, undefined, target, found, objects),
  );
  for (const property of properties) {
    specs.push(
      ...qualitySpecs(
        property.quality,
        object,
        property,
        target,
        found,
        objects,
      ),
    );
  }
  for (const assigned of slas) {
    specs.push({
      base: {
        object: objectName,
        property: propertyName(assigned.property),
        metric: assigned.metric,
        name: String(assigned.sla.property),
        expected: `<= ${assigned.sla.value} ${assigned.sla.unit ?? ''}`.trim(),
      },
      ...slaSpec(assigned, now),
    });
  }
  return specs;
}

/** The server's name of a property's column: exact, else the only one equal ignoring case. */
function columnOf(
  found: FoundTable,
  property: OdcsSchemaProperty,
): string | undefined {
  const wanted = columnName(property);
  if (found.columns.some(c => c.name === wanted)) return wanted;
  const matches = found.columns.filter(
    c => c.name.toLowerCase() === wanted.toLowerCase(),
  );
  return matches.length === 1 ? matches[0].name : undefined;
}

/** Runs a query, keeping its failure as the value the checks that need it report. */
async function settle<T>(run: () => Promise<T>): Promise<T | Error> {
  try {
    return await run();
  } catch (error) {
    return new Error(describeFailure(error));
  }
}

function valueOrThrow<T>(value: T | Error | undefined, what: string): T {
  if (value instanceof Error) throw value;
  if (value === undefined) throw new Error(`${what} was not measured`);
  return value;
}

/** How a key set's duplicates are known: an alias of the scan, a query to run, or a count. */
type DuplicateCount = string | (() => Promise<number>) | number | Error;

/** DuckDB's integer types, whose distinct values a bitmap over [min, max] counts exactly. */
const INTEGER_TYPE = /^u?(tiny|small|big|huge)?int(eger)?$/i;
/** The widest key range counted with a bitmap: 2^27 bits, 16 MB per thread. */
const MAX_BITMAP_RANGE = BigInt(2 ** 27);
/** Sparser keys than one in this many values of their range are hashed instead. */
const MAX_BITMAP_SPARSENESS = BigInt(64);

/** The column sets of a table's unique constraints. */
function uniqueConstraints(table: FoundTable): string[][] {
  const constraints = new Map<string, string[]>();
  for (const column of table.columns) {
    for (const name of column.uniqueKeys ?? []) {
      constraints.set(name, [...(constraints.get(name) ?? []), column.name]);
    }
  }
  return [...constraints.values()];
}

/**
 * Plans how each key set's duplicates are counted, exactly, at the least cost:
 * - a key set that holds every column of a unique constraint of the table: none, as the
 *   database enforces it (rows with a NULL in the key are not counted either way);
 * - DuckDB, one integer column: a bitmap of its values in the scan (`bitstring_agg` over the
 *   column's range, read first in one cheap query for all such columns), ten times faster
 *   than hashing every key; a range too wide or too sparse for a bitmap is hashed;
 * - DuckDB, one other column: `COUNT(DISTINCT)` in the scan;
 * - PostgreSQL, one column: its own `COUNT(DISTINCT)` query, as a DISTINCT aggregate would
 *   keep the whole scan from running in parallel;
 * - several columns: one GROUP BY.
 */
async function planDuplicates(
  target: Target,
  table: FoundTable,
  keySets: Map<string, string[]>,
  aggregate: AggregateQuery,
  options: { signal?: AbortSignal },
): Promise<Map<string, DuplicateCount>> {
  const planned = new Map<string, DuplicateCount>();
  const query = async (sql: string) =>
    (await target.server.query(sql, [], options))[0];
  const hashed = (column: string) =>
    aggregate.add(`COUNT(${column}) - COUNT(DISTINCT ${column})`);
  const bitmaps: Array<{ key: string; column: string; type: string }> = [];
  const constraints = uniqueConstraints(table);
  for (const [key, columns] of keySets) {
    const column = quoteIdentifier(columns[0]);
    const type = table.columns.find(c => c.name === columns[0])?.type ?? '';
    if (constraints.some(unique => unique.every(c => columns.includes(c)))) {
      planned.set(key, 0);
    } else if (columns.length > 1) {
      planned.set(key, async () => {
        const row = await query(duplicateQuery(table.relation, columns));
        return Number(row.rows) - Number(row.keys);
      });
    } else if (target.server.dialect === 'postgres') {
      planned.set(key, async () => {
        const row = await query(
          `SELECT COUNT(${column}) - COUNT(DISTINCT ${column}) AS "rows" FROM ${table.relation}`,
        );
        return Number(row.rows);
      });
    } else if (INTEGER_TYPE.test(type)) {
      bitmaps.push({ key, column, type: type.toUpperCase() });
    } else {
      planned.set(key, hashed(column));
    }
  }
  if (bitmaps.length === 0) return planned;
  const bounds = await settle(() =>
    query(
      `SELECT ${bitmaps
        .map(
          ({ column }, i) =>
            `CAST(MIN(${column}) AS VARCHAR) AS "l${i}", CAST(MAX(${column}) AS VARCHAR) AS "h${i}", COUNT(${column}) AS "n${i}"`,
        )
        .join(', ')} FROM ${table.relation}`,
    ),
  );
  bitmaps.forEach(({ key, column, type }, i) => {
    if (bounds instanceof Error) {
      planned.set(key, hashed(column));
      return;
    }
    const [low, high] = [bounds[`l${i}`], bounds[`h${i}`]];
    if (low === null || high === null) {
      planned.set(key, 0); // no values, no duplicates
      return;
    }
    if (![low, high].every(bound => /^-?\d+$/.test(String(bound)))) {
      planned.set(key, hashed(column));
      return;
    }
    const range = BigInt(String(high)) - BigInt(String(low)) + BigInt(1);
    if (
      range > MAX_BITMAP_RANGE ||
      range > MAX_BITMAP_SPARSENESS * BigInt(Number(bounds[`n${i}`]))
    ) {
      planned.set(key, hashed(column));
      return;
    }
    // Both bounds are integers (tested above) and the type one of INTEGER_TYPE: safe as SQL.
    planned.set(
      key,
      aggregate.add(
        `COUNT(${column}) - bit_count(bitstring_agg(${column}, CAST(${low} AS ${type}), CAST(${high} AS ${type})))`,
      ),
    );
  });
  return planned;
}

/**
 * Tests one schema object: finds its table, then runs one aggregate scan, at most one query
 * per duplicate key set and one per sql rule (a second scan only when a rule folded into the
 * first made it fail), and judges every check from their results.
 */
export async function testObject(input: {
  label: string;
  object: OdcsSchemaObject;
  objects: OdcsSchemaObject[];
  target: Target;
  slas: AssignedSla[];
  now: Date;
  signal?: AbortSignal;
}): Promise<ContractCheck[]> {
  const { label, object, objects, target, slas, now, signal } = input;
  const objectName = String(object.name ?? '');
  const options = { signal, searchPath: target.schema };
  let table: FoundTable | undefined;
  const found = () => table!;
  const specs = specsOf(object, objects, target, slas, found, now);
  const describe = (base: Base) =>
    `${label}, ${base.object}${base.property ? `.${base.property}` : ''}, ${
      base.metric
    }${base.name ? ` (${base.name})` : ''}`;
  const all = (verdict: Verdict) =>
    specs.map(spec => ({ ...spec.base, ...verdict }));
  const existsBase: Base = { object: objectName, metric: 'exists' };

  if (!tableName(object)) {
    return [
      {
        ...existsBase,
        outcome: 'error',
        message: `${describe(existsBase)}: the object has no name`,
      },
      ...all({ outcome: 'skipped', message: 'the object has no name' }),
    ];
  }
  try {
    table = await target.find(object, options);
  } catch (error) {
    const reason = describeFailure(error);
    return [
      {
        ...existsBase,
        outcome: 'error',
        message: `${describe(existsBase)}: ${reason}`,
      },
      ...all({
        outcome: 'skipped',
        message: 'not run: the table could not be read',
      }),
    ];
  }
  if (!table) {
    const where = target.schema ? ` in schema ${target.schema}` : '';
    return [
      {
        ...existsBase,
        outcome: 'fail',
        message: `${tableName(object)} is not on server ${
          target.server.id
        }${where}`,
      },
      ...all({ outcome: 'skipped', message: 'not run: the table is missing' }),
    ];
  }

  const aggregate = new AggregateQuery();
  const rowsAlias = aggregate.add('COUNT(*)');
  const keySets = new Map<string, string[]>();
  const ruleQueries: Array<{ sql: string; alias?: string }> = [];
  const plan: Plan = {
    column: property => quoteIdentifier(columnOf(found(), property)!),
    aggregate,
    duplicates: columns => {
      const actual = columns.map(name => columnOf(found(), { name }) ?? name);
      const key = JSON.stringify(actual);
      keySets.set(key, actual);
      return key;
    },
    rule: (sql, inScan) =>
      ruleQueries.push({ sql, alias: inScan && aggregate.add(inScan, true) }) -
      1,
  };

  const judges: Array<ContractCheck | ((m: Measurements) => ContractCheck)> =
    [];
  for (const spec of specs) {
    const missing = spec.needs.find(p => !columnOf(found(), p));
    if (missing) {
      judges.push({
        ...spec.base,
        outcome: spec.base.metric === 'exists' ? 'fail' : 'skipped',
        message:
          spec.base.metric === 'exists'
            ? `${columnName(missing)} is not a column of ${tableName(object)}`
            : `not run: column ${columnName(missing)} is missing`,
      });
      continue;
    }
    let prepared: Prepared;
    try {
      prepared = await spec.prepare(plan);
    } catch (error) {
      prepared = describeFailure(error);
    }
    if (typeof prepared === 'string') {
      judges.push({
        ...spec.base,
        outcome: 'error',
        message: `${describe(spec.base)}: ${prepared}`,
      });
    } else if (typeof prepared === 'function') {
      const judge = prepared;
      judges.push(m => {
        try {
          return { ...spec.base, ...judge(m) };
        } catch (error) {
          return {
            ...spec.base,
            outcome: 'error',
            message: `${describe(spec.base)}: ${describeFailure(error)}`,
          };
        }
      });
    } else {
      judges.push({ ...spec.base, ...prepared });
    }
  }

  // How each key set's duplicates are counted, decided once every check has asked for its own.
  const duplicates = await planDuplicates(
    target,
    found(),
    keySets,
    aggregate,
    options,
  );
  const scan = (requiredOnly = false) =>
    settle(async () => {
      const [row] = await target.server.query(
        aggregate.sql(table!.relation, requiredOnly),
        aggregate.params,
        options,
      );
      return row;
    });
  const ownQuery = (sql: string) =>
    settle(() => target.server.query(sql, [], options));
  // The scan, the key queries and the sql rules not folded into the scan are sent at once: the
  // server runs as many side by side as its limit of concurrent queries allows (each is a scan
  // of its own on a row store), and queues the rest.
  const [scanned, , rules] = await Promise.all([
    scan(),
    Promise.all(
      [...duplicates].map(async ([key, count]) => {
        if (typeof count === 'function') {
          duplicates.set(key, await settle(count));
        }
      }),
    ),
    Promise.all(
      ruleQueries.map(rule => (rule.alias ? undefined : ownQuery(rule.sql))),
    ),
  ]);
  let aggregateRow = scanned;
  // A folded rule that cannot be computed (a division by zero, say) fails the whole scan, so
  // the scan runs again without the folded rules, and they run as their own queries: only a
  // failing rule reports its error.
  const folded = ruleQueries.flatMap((rule, i) => (rule.alias ? [i] : []));
  if (aggregateRow instanceof Error && folded.length > 0 && !signal?.aborted) {
    [aggregateRow] = await Promise.all([
      scan(true),
      ...folded.map(async i => {
        rules[i] = await ownQuery(ruleQueries[i].sql);
      }),
    ]);
  }

  const measurements: Measurements = {
    value: alias => valueOrThrow(aggregateRow, 'the table')[alias],
    rows: () => Number(valueOrThrow(aggregateRow, 'the table')[rowsAlias]),
    duplicates: key => {
      const count = duplicates.get(key);
      return typeof count === 'string'
        ? Number(valueOrThrow(aggregateRow, 'the table')[count])
        : valueOrThrow(count as number | Error | undefined, 'duplicates');
    },
    rule: index => {
      const { alias } = ruleQueries[index];
      return rules[index] === undefined && alias
        ? [{ value: valueOrThrow(aggregateRow, 'the table')[alias] }]
        : valueOrThrow(rules[index], 'the rule');
    },
  };
  // A table that is there but cannot be read is an error of the object, not only of its checks.
  const exists: ContractCheck =
    aggregateRow instanceof Error
      ? {
          ...existsBase,
          outcome: 'error',
          message: `${describe(existsBase)}: ${aggregateRow.message}`,
        }
      : { ...existsBase, outcome: 'pass', measured: table.columns.length };
  return [
    exists,
    ...judges.map(judge =>
      typeof judge === 'function' ? judge(measurements) : judge,
    ),
  ];
}
