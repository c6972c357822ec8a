import { base, en, Faker } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import { ExampleColumn, ExampleTable } from './contracts';
import { EXAMPLE_DATA_DEFECTS, ExampleDataDefect } from './defects';
import { ExampleRow, RECIPES, RecipeContext } from './recipes';
import { decimalOf, maxLength } from './sqlTypes';
import {
  align,
  alignmentOf,
  ExampleValue,
  fitNumber,
  valueFor,
  ValueContext,
} from './values';

/** A table's generated data, ready to be written. */
export interface GeneratedTable {
  table: ExampleTable;
  /** The columns written: the contract's, less one a defect leaves out. */
  columns: ExampleColumn[];
  /**
   * Rows in the order of `columns`: strings (dates `YYYY-MM-DD`, timestamps
   * `YYYY-MM-DD HH:MM:SS.mmm` in UTC, decimals written out to their scale), numbers, booleans
   * and nulls.
   */
  rows: ExampleValue[][];
}

export interface GenerateOptions {
  /** Seeds every random choice: the same seed and now give the same data. */
  seed: number;
  /** The reference now: event times lie before it, so fresh data is fresh at this time. */
  now: Date;
  defects?: ExampleDataDefect[];
}

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
/** How far back event times reach when the contract sets no shorter retention. */
const DEFAULT_SPAN = 60 * DAY;
/** Monthly figures reach back a year. */
const MONTHLY_SPAN = 365 * DAY;
const DEFAULT_ROWS = 800;
/** How often an optional column is null: a date of death or deletion is rare, anything else now and then. */
const nullRate = (column: ExampleColumn) =>
  /deceased|deleted/.test(column.name) ? 0.95 : 0.1;

/** Columns whose values are ids of an entity, shared by every table that names it. */
const ENTITY_ID = /(_id|_mrn|_ref|_no|^ward_code)$/;

/** How many of each entity there are; 300 of any other. */
const ENTITY_COUNTS: Record<string, number> = {
  user_id: 1_500,
  content_id: 800,
  author_id: 150,
  creator_id: 150,
  campaign_id: 40,
  advertiser_id: 12,
  segment_id: 3,
  event_id: 2_000,
  session_id: 1_000,
  customer_id: 600,
  transaction_id: 1_500,
  group_customer_id: 500,
  policyholder_id: 600,
  policy_id: 700,
  payment_id: 1_000,
  claim_id: 250,
  client_id: 450,
  account_id: 500,
  trade_id: 1_200,
  trade_ref: 800,
  acct_no: 400,
  patient_mrn: 700,
  encounter_id: 1_500,
  attending_clinician_id: 60,
  result_id: 1_500,
  research_patient_id: 600,
  study_id: 5,
  cohort_id: 8,
  staff_id: 150,
  shift_id: 1_200,
  ward_code: 10,
  bed_id: 24,
};

const ID_PREFIXES: Record<string, string> = {
  patient_mrn: 'MRN',
  encounter_id: 'ENC',
  result_id: 'LAB',
  research_patient_id: 'RP',
  study_id: 'STUDY-',
  cohort_id: 'COH-',
  attending_clinician_id: 'CL',
  staff_id: 'ST',
  shift_id: 'SH',
  ward_code: 'W',
  bed_id: 'BED',
  customer_id: 'C',
  group_customer_id: 'G',
  client_id: 'SC',
  account_id: 'A',
  policyholder_id: 'PH',
  policy_id: 'POL',
  payment_id: 'PAY',
  claim_id: 'CLM',
  transaction_id: 'TX',
  trade_id: 'TR',
  trade_ref: 'T',
  acct_no: 'AC',
  campaign_id: 'cmp_',
  advertiser_id: 'adv_',
  segment_id: 'seg_',
};

/** Ids that are UUIDs where the column is wide enough (or unbounded). */
const UUID_IDS = /^(user|content|author|creator|event|session)_id$/;

/** A 32-bit seed for one part of the data, from the run's seed and the part's name. */
function seedOf(seed: number, part: string): number {
  return createHash('sha256')
    .update(`${seed}:${part}`)
    .digest()
    .readUInt32BE(0);
}

function seededFaker(seed: number, part: string): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seedOf(seed, part));
  return faker;
}

function isEntityId(column: ExampleColumn) {
  return (
    column.logicalType === 'string' &&
    !column.validValues &&
    ENTITY_ID.test(column.name)
  );
}

/**
 * The ids of every entity: the same in every table that names the entity's column, so keys
 * match across tables; as wide as the narrowest such column allows.
 */
function entityPools(tables: ExampleTable[], seed: number) {
  const widths = new Map<string, number | undefined>();
  for (const column of tables.flatMap(t => t.columns).filter(isEntityId)) {
    const length = maxLength(column);
    const known = widths.has(column.name) ? widths.get(column.name) : Infinity;
    widths.set(column.name, Math.min(known ?? Infinity, length ?? Infinity));
  }
  const pools = new Map<string, string[]>();
  return (name: string): string[] => {
    let pool = pools.get(name);
    if (!pool) {
      const faker = seededFaker(seed, `entity:${name}`);
      const width = widths.get(name) ?? Infinity;
      const count = ENTITY_COUNTS[name] ?? 300;
      const prefix =
        ID_PREFIXES[name] ??
        name
          .split('_')
          .slice(0, -1)
          .map(part => part[0].toUpperCase())
          .join('');
      const digits = Math.min(
        Number.isFinite(width) ? width - prefix.length : 8,
        8,
      );
      // A permutation of the numbers below 10^digits (7919 is prime to 10): distinct, unsorted.
      pool = Array.from({ length: count }, (_, index) =>
        UUID_IDS.test(name) && width >= 36
          ? faker.string.uuid()
          : prefix +
            String((index * 7_919 + 104_729) % 10 ** digits).padStart(
              digits,
              '0',
            ),
      );
      pools.set(name, pool);
    }
    return pool;
  };
}

/** Evenly spread row indexes a defect touches, the same on every build. */
function spread(rows: number, total: number): number[] {
  return Array.from({ length: rows }, (_, j) =>
    Math.floor(((j + 0.5) * total) / rows),
  );
}

function applyDefect(
  defect: ExampleDataDefect,
  rows: ExampleRow[],
  keys: string[],
) {
  switch (defect.kind) {
    case 'nulls':
      for (const i of spread(defect.rows, rows.length))
        rows[i][defect.column] = null;
      break;
    case 'invalidValues':
      for (const i of spread(defect.rows, rows.length))
        rows[i][defect.column] = defect.value;
      break;
    case 'offset':
      for (const i of spread(defect.rows, rows.length)) {
        const value = Number(rows[i][defect.column]) + defect.amount;
        rows[i][defect.column] = Math.round(value * 100) / 100;
      }
      break;
    case 'duplicateKeys':
      // Each touched row takes the key of the row before it: `rows` extra rows, no key thrice.
      for (const i of spread(defect.rows, rows.length)) {
        for (const key of keys) rows[i][key] = rows[i - 1][key];
      }
      break;
    default:
      // stale data and missing columns are made while generating and writing
      break;
  }
}

function formatTime(ms: number, type: string): string {
  const iso = new Date(ms).toISOString();
  return type === 'date'
    ? iso.slice(0, 10)
    : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

function formatValue(
  value: ExampleValue | undefined,
  column: ExampleColumn,
): ExampleValue {
  if (value === null || value === undefined) return null;
  switch (column.logicalType) {
    case 'date':
    case 'timestamp':
      return formatTime(Number(value), column.logicalType);
    case 'integer':
      return fitNumber(Number(value), column);
    case 'number': {
      const decimal = decimalOf(column);
      const fitted = fitNumber(Number(value), column) as number;
      return decimal ? fitted.toFixed(decimal.scale) : fitted;
    }
    default:
      return value;
  }
}

function generateTable(
  table: ExampleTable,
  defects: ExampleDataDefect[],
  pool: (name: string) => string[],
  { seed, now }: { seed: number; now: number },
): GeneratedTable {
  const faker = seededFaker(seed, `table:${table.schema}.${table.name}`);
  const stale = defects.find(d => d.kind === 'stale');
  const newest = now - (stale?.kind === 'stale' ? stale.ageMs : MINUTE);
  const monthly = table.columns.some(c => alignmentOf(c) === 'month');
  const span = Math.min(
    monthly ? MONTHLY_SPAN : DEFAULT_SPAN,
    (table.retentionMs ?? Infinity) * 0.9,
  );
  const ctx: ValueContext = {
    faker,
    now,
    newest,
    oldest: newest - span,
    pool: column => (isEntityId(column) ? pool(column.name) : undefined),
  };
  const recipeContext: RecipeContext = { faker, now, newest, pool };
  const recipe = RECIPES[table.name] ?? {};
  const keyColumns = table.columns
    .filter(c => c.primaryKeyPosition !== undefined)
    .sort((a, b) => a.primaryKeyPosition! - b.primaryKeyPosition!)
    .map(c => c.name);
  const soleKey =
    keyColumns.length === 1
      ? table.columns.find(c => c.name === keyColumns[0])
      : undefined;
  const entityKey =
    soleKey && isEntityId(soleKey) ? pool(soleKey.name) : undefined;
  const givenKeys = recipe.keys?.(recipeContext);
  const count =
    givenKeys?.length ?? entityKey?.length ?? recipe.rows ?? DEFAULT_ROWS;
  // Event times: the columns that are neither entity dates (births, openings) nor the future.
  const eventColumns = table.columns.filter(
    c =>
      (c.logicalType === 'date' || c.logicalType === 'timestamp') &&
      !/birth|dob|deceased|since|onboarded|opened|created|expected_|expires/.test(
        c.name,
      ),
  );

  const columnByName = new Map(table.columns.map(c => [c.name, c]));
  const seen = new Set<string>();
  const rows: ExampleRow[] = [];
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; attempt < 25; attempt++) {
      const row: ExampleRow = { ...givenKeys?.[i] };
      for (const column of table.columns) {
        if (column.name in row) continue;
        const optional =
          !column.required && column.primaryKeyPosition === undefined;
        row[column.name] =
          optional && faker.datatype.boolean(nullRate(column))
            ? null
            : valueFor(ctx, column);
      }
      if (entityKey) row[soleKey!.name] = entityKey[i];
      // The first row is the newest, so the data is exactly as fresh as the table's window says.
      if (i === 0) {
        for (const column of eventColumns)
          row[column.name] = align(newest, column);
      }
      recipe.derive?.(row, recipeContext);
      // Keys compare as written: two times of one day are one date.
      const key = JSON.stringify(
        keyColumns.map(k => formatValue(row[k], columnByName.get(k)!)),
      );
      if (keyColumns.length > 0 && seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
      break;
    }
  }

  for (const defect of defects) applyDefect(defect, rows, keyColumns);
  const missing = defects.find(d => d.kind === 'missingColumn');
  const columns = table.columns.filter(
    c => !(missing?.kind === 'missingColumn' && missing.column === c.name),
  );
  return {
    table,
    columns,
    rows: rows.map(row => columns.map(c => formatValue(row[c.name], c))),
  };
}

/**
 * Generates the data of every example table: deterministic for a seed and a reference now
 * (no other clock, no Math.random), with the deliberate defects of the defect table.
 */
export function generateExampleData(
  tables: ExampleTable[],
  { seed, now, defects = EXAMPLE_DATA_DEFECTS }: GenerateOptions,
): GeneratedTable[] {
  for (const defect of defects) {
    const table = tables.find(
      t => t.name === defect.table && t.product === defect.product,
    );
    const column = 'column' in defect ? defect.column : undefined;
    if (!table || (column && !table.columns.some(c => c.name === column))) {
      throw new Error(
        `Example data defect of ${defect.product}: no table ${defect.table}${
          column ? ` with column ${column}` : ''
        } in its contract`,
      );
    }
  }
  const pool = entityPools(tables, seed);
  const reference = { seed, now: now.getTime() - (now.getTime() % 1000) };
  return tables.map(table =>
    generateTable(
      table,
      defects.filter(
        d => d.table === table.name && d.product === table.product,
      ),
      pool,
      reference,
    ),
  );
}
