import { Faker } from '@faker-js/faker';
import { ExampleColumn } from './contracts';
import { decimalOf, isFixedWidth, maxLength, typeArguments } from './sqlTypes';

/**
 * A generated value: strings, numbers and booleans as written; dates and timestamps as
 * milliseconds since the epoch until they are written out.
 */
export type ExampleValue = string | number | boolean | null;

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** What a value generator may use: the table's seeded faker and its time window. */
export interface ValueContext {
  faker: Faker;
  /** The reference now, in ms. */
  now: number;
  /** The newest and oldest event time of the table's rows, in ms. */
  newest: number;
  oldest: number;
  /** The shared values of an entity id column (`patient_mrn`), for keys across tables. */
  pool(column: ExampleColumn): string[] | undefined;
}

type Generate = (ctx: ValueContext, column: ExampleColumn) => ExampleValue;

const pick =
  <T extends ExampleValue>(values: readonly T[]): Generate =>
  ({ faker }) =>
    faker.helpers.arrayElement(values);

const TOPICS = [
  'football',
  'cooking',
  'travel',
  'gaming',
  'music',
  'fitness',
  'fashion',
  'technology',
  'politics',
  'film',
  'science',
  'pets',
];

/** ICD-10 codes common in hospital encounters. */
const ICD10 = [
  'I21.4',
  'I50.9',
  'J18.9',
  'J44.1',
  'N39.0',
  'E11.9',
  'S72.0',
  'K35.8',
  'C34.9',
  'R07.4',
  'A41.9',
  'I63.9',
];

/** Laboratory tests by LOINC code: name, unit and the usual range of a numeric result. */
export const LAB_TESTS: Array<{
  code: string;
  name: string;
  unit?: string;
  range?: [number, number];
  texts?: string[];
}> = [
  { code: '2345-7', name: 'Glucose', unit: 'mmol/L', range: [3.5, 14] },
  { code: '2160-0', name: 'Creatinine', unit: 'umol/L', range: [45, 250] },
  { code: '718-7', name: 'Haemoglobin', unit: 'g/L', range: [80, 170] },
  { code: '6690-2', name: 'Leukocytes', unit: '10*9/L', range: [3, 18] },
  { code: '2951-2', name: 'Sodium', unit: 'mmol/L', range: [128, 150] },
  { code: '4548-4', name: 'HbA1c', unit: 'mmol/mol', range: [30, 95] },
  { code: '1988-5', name: 'C-reactive protein', unit: 'mg/L', range: [0, 180] },
  {
    code: '600-7',
    name: 'Blood culture',
    texts: ['No growth after 48 hours', 'Staphylococcus aureus isolated'],
  },
  {
    code: '94500-6',
    name: 'SARS-CoV-2 RNA',
    texts: ['Not detected', 'Detected'],
  },
];

const DEPARTMENTS = [
  'CARD',
  'ONC',
  'ORTH',
  'EMER',
  'PAED',
  'NEUR',
  'RESP',
  'GAST',
];

/**
 * Values by column name: the first pattern that matches a column's name generates its value.
 * Names the examples use; anything else falls back to its logical type.
 */
const BY_NAME: Array<[RegExp, Generate]> = [
  [/email/, ({ faker }) => faker.internet.email().toLowerCase()],
  [/full_name/, ({ faker }) => faker.person.fullName()],
  [/^handle$/, ({ faker }) => faker.internet.username().toLowerCase()],
  [/country/, ({ faker }) => faker.location.countryCode('alpha-2')],
  [/currency/, pick(['EUR', 'EUR', 'EUR', 'USD', 'GBP', 'CHF'])],
  [/language/, pick(['en', 'en', 'de', 'fr', 'es', 'pt', 'ja'])],
  [/postal_code/, ({ faker }) => faker.location.zipCode('#####')],
  [/iban/, ({ faker }) => faker.finance.iban()],
  [
    /^isin$/,
    ({ faker }) =>
      faker.helpers.arrayElement(['US', 'DE', 'FR', 'NL', 'GB']) +
      faker.string.alphanumeric({ length: 9, casing: 'upper' }) +
      faker.string.numeric(1),
  ],
  [
    /security_code/,
    ({ faker }) => faker.string.alphanumeric({ length: 8, casing: 'upper' }),
  ],
  [/venue_mic/, pick(['XNYS', 'XNAS', 'XLON', 'XETR', 'XPAR', 'XAMS'])],
  [/merchant_category/, pick(['5411', '5812', '5541', '4111', '5999', '7011'])],
  [/^buy_sell$/, pick(['B', 'S'])],
  [/nhs_number/, ({ faker }) => faker.string.numeric(10)],
  [
    /_hash$/,
    ({ faker }, column) =>
      faker.string.hexadecimal({
        length: maxLength(column) ?? 64,
        casing: 'lower',
        prefix: '',
      }),
  ],
  [/icd10_3char/, ({ faker }) => faker.helpers.arrayElement(ICD10).slice(0, 3)],
  [/icd10/, pick(ICD10)],
  [/department_code/, pick(DEPARTMENTS)],
  [
    /procedure_code/,
    pick(['W37.1', 'K40.1', 'H01.1', 'W40.1', 'K63.1', 'G45.1']),
  ],
  [
    /outcome_30d/,
    pick(['recovered', 'recovered', 'readmitted', 'complication']),
  ],
  [
    /encounter_class/,
    pick(['inpatient', 'outpatient', 'emergency', 'day-case']),
  ],
  [
    /staff_role/,
    pick(['nurse', 'nurse', 'doctor', 'healthcare assistant', 'midwife']),
  ],
  [/region/, pick(['north', 'south', 'east', 'west'])],
  [/^sex$/, pick(['female', 'male'])],
  [/model_version|criteria_version/, pick(['v2.3.0', 'v2.4.1', 'v3.0.0'])],
  [/content_type/, pick(['post', 'video', 'story', 'live'])],
  [/topic|interest|segment_name/, pick(TOPICS)],
  [/device_type/, pick(['ios', 'android', 'web'])],
  [/^channel$/, pick(['online', 'mobile', 'branch', 'card', 'atm'])],
  [/risk_rating/, pick(['low', 'low', 'medium', 'high'])],
  [/safety_rating/, pick(['safe', 'safe', 'safe', 'sensitive', 'restricted'])],
  [
    /product_family/,
    pick(['mortgage', 'life_insurance', 'investment_fund', 'credit_card']),
  ],
  [/abnormal_flag/, pick(['H', 'L'])],
  // numbers
  [/birth_year$/, ({ faker }) => faker.number.int({ min: 1950, max: 2008 })],
  [/risk_profile/, ({ faker }) => faker.number.int({ min: 1, max: 7 })],
  [/horizon_days/, ({ faker }) => faker.number.int({ min: 1, max: 14 })],
  [/length_of_stay/, ({ faker }) => faker.number.int({ min: 0, max: 21 })],
  [/offset_days/, ({ faker }) => faker.number.int({ min: 0, max: 3650 })],
  [/_count$/, ({ faker }) => faker.number.int({ min: 1, max: 6 })],
  [
    /score|confidence|rate|probability/,
    ({ faker }) => faker.number.float({ min: 0, max: 1 }),
  ],
  [/growth/, ({ faker }) => faker.number.float({ min: -0.5, max: 4 })],
  [/hba1c/, ({ faker }) => faker.number.float({ min: 30, max: 95 })],
  [/creatinine/, ({ faker }) => faker.number.float({ min: 45, max: 250 })],
  [
    /impressions|views/,
    ({ faker }) => faker.number.int({ min: 200, max: 50_000 }),
  ],
  [
    /likes|clicks|shares|comments|conversions|followers/,
    ({ faker }) => faker.number.int({ min: 0, max: 400 }),
  ],
  [/watch_time/, ({ faker }) => faker.number.float({ min: 0, max: 90_000 })],
  [/minutes/, ({ faker }) => faker.number.float({ min: 0, max: 180 })],
  [/hours/, ({ faker }) => faker.number.float({ min: 4, max: 12.5 })],
  [/predicted_/, ({ faker }) => faker.number.float({ min: 4, max: 40 })],
  [/price|^px$/, ({ faker }) => faker.number.float({ min: 2, max: 900 })],
  [/quantity|^qty$/, ({ faker }) => faker.number.int({ min: 1, max: 2_000 })],
  [
    /_eur$|_usd$|amount|spend|revenue|premium/,
    ({ faker }) => faker.number.float({ min: 5, max: 8_000 }),
  ],
];

/** Dates and timestamps by column name; anything else is an event time of the table. */
const TIMES: Array<[RegExp, Generate]> = [
  [
    /birth|dob/,
    ({ faker, now }) =>
      now - faker.number.int({ min: 18 * YEAR, max: 85 * YEAR }),
  ],
  [
    /deceased/,
    ({ faker, now }) => now - faker.number.int({ min: DAY, max: 3 * YEAR }),
  ],
  [
    /since|onboarded|opened|created/,
    ({ faker, newest }) =>
      newest - faker.number.int({ min: 30 * DAY, max: 12 * YEAR }),
  ],
  [
    /expected_|expires/,
    ({ faker, now }) => now + faker.number.int({ min: HOUR, max: 30 * DAY }),
  ],
];

/** The grid an event time is aligned to, by column name: hourly snapshots, monthly reports. */
export function alignmentOf(
  column: ExampleColumn,
): 'hour' | 'quarter' | 'month' | 'run' | undefined {
  if (/(^|_)hour$/.test(column.name)) return 'hour';
  if (/snapshot/.test(column.name)) return 'quarter';
  if (/month/.test(column.name)) return 'month';
  if (/run_at/.test(column.name)) return 'run';
  return undefined;
}

/** Moves a time down to its grid; daily runs are at 05:00 UTC. */
export function align(time: number, column: ExampleColumn): number {
  const d = new Date(time);
  switch (alignmentOf(column)) {
    case 'hour':
      return time - (time % HOUR);
    case 'quarter':
      return time - (time % (15 * MINUTE));
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'run': {
      const run = time - (time % DAY) + 5 * HOUR;
      return run > time ? run - DAY : run;
    }
    default:
      return time;
  }
}

function fitString(value: string, column: ExampleColumn, ctx: ValueContext) {
  const length = maxLength(column);
  if (!length) return value;
  if (isFixedWidth(column) && value.length < length) {
    return (
      value +
      ctx.faker.string.alphanumeric({
        length: length - value.length,
        casing: 'upper',
      })
    );
  }
  return value.slice(0, length);
}

/** Rounds a number to the column's type: whole numbers, a decimal's scale, within its precision. */
export function fitNumber(value: number, column: ExampleColumn): ExampleValue {
  if (column.logicalType === 'integer') {
    const [digits] = typeArguments(column.physicalType);
    const max = digits ? 10 ** digits - 1 : Number.MAX_SAFE_INTEGER;
    return Math.min(Math.round(value), max);
  }
  const decimal = decimalOf(column);
  if (!decimal) return Math.round(value * 1e6) / 1e6;
  const max = 10 ** (decimal.precision - decimal.scale) - 10 ** -decimal.scale;
  return Number(Math.min(value, max).toFixed(decimal.scale));
}

/** An event time of the table: between its oldest and newest, aligned to the column's grid. */
export function eventTime(ctx: ValueContext, column: ExampleColumn): number {
  return align(
    ctx.faker.number.int({ min: ctx.oldest, max: ctx.newest }),
    column,
  );
}

/**
 * A plausible value for a column: one of its valid values when the contract lists them, an
 * entity id from the shared pool, else by its name, else by its logical type.
 */
export function valueFor(
  ctx: ValueContext,
  column: ExampleColumn,
): ExampleValue {
  const { faker } = ctx;
  if (column.validValues?.length)
    return faker.helpers.arrayElement(column.validValues);
  const pooled = ctx.pool(column);
  if (pooled) return faker.helpers.arrayElement(pooled);
  const type = column.logicalType;
  if (type === 'date' || type === 'timestamp') {
    const byName = TIMES.find(([pattern]) => pattern.test(column.name));
    return byName ? (byName[1](ctx, column) as number) : eventTime(ctx, column);
  }
  if (type === 'boolean') {
    return faker.datatype.boolean({
      probability: /^is_|flag/.test(column.name) ? 0.1 : 0.8,
    });
  }
  const byName = BY_NAME.find(([pattern]) => pattern.test(column.name));
  const value = byName ? byName[1](ctx, column) : undefined;
  if (type === 'string') {
    return fitString(
      typeof value === 'string' ? value : faker.lorem.word(),
      column,
      ctx,
    );
  }
  // integer or number
  return fitNumber(
    typeof value === 'number'
      ? value
      : faker.number.int({ min: 0, max: 1_000 }),
    column,
  );
}
