import { Faker } from '@faker-js/faker';
import { ExampleValue, LAB_TESTS } from './values';

/** A row being generated, by column name; dates and timestamps in ms. */
export type ExampleRow = Record<string, ExampleValue>;

/** What a recipe may use besides the row. */
export interface RecipeContext {
  faker: Faker;
  now: number;
  newest: number;
  /** The shared values of an entity id column, by column name. */
  pool(name: string): string[];
}

/** What a table's data must satisfy beyond its columns: how its columns relate. */
export interface TableRecipe {
  /** Rows to generate; default 800 (or the size of the entity a single-column key names). */
  rows?: number;
  /** Given key columns of every row, when the keys follow a pattern random draws miss. */
  keys?(ctx: RecipeContext): ExampleRow[];
  /** Makes a generated row consistent across its columns. */
  derive?(row: ExampleRow, ctx: RecipeContext): void;
}

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const num = (value: ExampleValue) => Number(value ?? 0);
const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * The relations the example contracts' `sql` quality rules assert (and a few that make the
 * data read true), by table name. Each entry names the rule it satisfies; the columns
 * themselves are generated from the contracts.
 */
export const RECIPES: Record<string, TableRecipe> = {
  booked_transactions: {
    derive(row, { faker }) {
      row.value_date =
        num(row.booking_date) + faker.number.int({ min: 0, max: 2 }) * DAY;
    },
  },
  // "Clicks never exceed impressions"
  campaign_daily: {
    derive(row, { faker }) {
      row.clicks = faker.number.int({
        min: 0,
        max: Math.floor(num(row.impressions) * 0.04),
      });
      if (row.conversions !== null) {
        row.conversions = faker.number.int({
          min: 0,
          max: Math.floor(num(row.clicks) * 0.2),
        });
      }
    },
  },
  // "Affinity scores are between 0 and 1"; "No segment has fewer than 1000 members"
  segment_membership: {
    keys({ faker, pool }) {
      const segments = pool('segment_id').slice(0, 3);
      const users = pool('user_id');
      return segments.flatMap((segment, index) =>
        faker.helpers.arrayElements(users, 1_100).map(user => ({
          segment_id: segment,
          segment_name: ['sports fans', 'food lovers', 'frequent travellers'][
            index
          ],
          user_id: user,
        })),
      );
    },
    derive(row) {
      row.expires_at = num(row.computed_at) + 30 * DAY;
    },
  },
  // "A user cannot like more often than they viewed"
  engagement_daily: {
    derive(row, { faker }) {
      const views = faker.number.int({ min: 1, max: 40 });
      row.views = views;
      row.likes = faker.number.int({ min: 0, max: views });
      row.shares = faker.number.int({ min: 0, max: Math.min(views, 3) });
      row.comments = faker.number.int({ min: 0, max: Math.min(views, 5) });
    },
  },
  // "Discharge is never before admission"; a third of the patients are still admitted
  encounters: {
    derive(row, { faker, now }) {
      const discharged =
        num(row.admitted_at) +
        faker.number.int({ min: 2 * HOUR, max: 12 * DAY });
      row.discharged_at =
        discharged < now && faker.datatype.boolean(0.7) ? discharged : null;
    },
  },
  // "Every result has a value"; "Results are released after collection"
  results: {
    derive(row, { faker }) {
      const test = faker.helpers.arrayElement(LAB_TESTS);
      row.loinc_code = test.code;
      row.test_name = test.name;
      row.unit = test.unit ?? null;
      row.value_numeric = test.range
        ? Math.round(
            faker.number.float({ min: test.range[0], max: test.range[1] }) * 10,
          ) / 10
        : null;
      row.value_text = test.texts
        ? faker.helpers.arrayElement(test.texts)
        : null;
      row.abnormal_flag =
        test.range &&
        num(row.value_numeric) >
          test.range[0] + 0.85 * (test.range[1] - test.range[0])
          ? 'H'
          : null;
      row.collected_at =
        num(row.resulted_at) -
        faker.number.int({ min: 20 * MINUTE, max: 30 * HOUR });
    },
  },
  // "Shifts end after they start": day, late and night shifts of 8 or 12 hours
  shifts: {
    derive(row, { faker }) {
      const start = num(row.planned_start);
      const day = start - (start % DAY);
      row.planned_start =
        day + faker.helpers.arrayElement([7, 15, 19, 23]) * HOUR;
      const length = faker.helpers.arrayElement([8, 12]);
      row.planned_end = num(row.planned_start) + length * HOUR;
      if (row.worked_hours !== null) {
        row.worked_hours = Math.max(
          0,
          length - faker.number.float({ min: 0, max: 1, fractionDigits: 2 }),
        );
      }
    },
  },
  // "Horizon is 1 to 14 days": every ward's forecast for each horizon of a daily run
  capacity_forecast: { rows: 600 },
  // "Occupied beds name their patient"
  bed_occupancy_hourly: {
    derive(row, { faker, now, pool }) {
      if (row.bed_state !== 'occupied') {
        row.patient_mrn = null;
        row.expected_discharge_date = null;
      } else {
        row.patient_mrn ??= faker.helpers.arrayElement(pool('patient_mrn'));
        row.expected_discharge_date =
          now + faker.number.int({ min: 0, max: 10 }) * DAY;
      }
    },
  },
  // "Every claim payout references a claim"; only claim payouts do
  policy_payments: {
    derive(row, { faker, pool }) {
      row.claim_id =
        row.payment_type === 'claim_payout'
          ? faker.helpers.arrayElement(pool('claim_id'))
          : null;
    },
  },
  // "ISINs are 12 characters and quantities positive": by the column generators
  // "Every group customer is a customer of at least one subsidiary"; confidence in [0, 1]
  customer_360: {
    derive(row, { faker, pool }) {
      const ids = {
        bank_customer_id: pool('customer_id'),
        insurance_policyholder_id: pool('policyholder_id'),
        securities_client_id: pool('client_id'),
      };
      const held = faker.helpers.arrayElements(Object.keys(ids), {
        min: 1,
        max: 3,
      });
      for (const [column, values] of Object.entries(ids)) {
        row[column] = held.includes(column)
          ? faker.helpers.arrayElement(values)
          : null;
      }
      row.subsidiary_count = held.length;
    },
  },
  // "Total contribution equals the sum of its components"
  customer_profitability_monthly: {
    derive(row) {
      row.total_contribution_eur = cents(
        num(row.bank_net_revenue_eur) +
          num(row.insurance_premiums_eur) -
          num(row.insurance_claims_eur) +
          num(row.securities_commission_eur),
      );
    },
  },
  exposure_daily: {
    derive(row) {
      row.total_exposure_eur = cents(
        num(row.bank_credit_exposure_eur) + num(row.securities_exposure_eur),
      );
      row.concentration_flag = num(row.total_exposure_eur) > 7_500;
    },
  },
  // "k-anonymity: every combination of quasi-identifiers covers at least 11 patients": each
  // patient has one band, sex and region, spread evenly over the 40 combinations
  encounters_with_labs: {
    keys({ faker, pool }) {
      const bands = [
        '1940-1959',
        '1960-1969',
        '1970-1979',
        '1980-1989',
        '1990-2005',
      ];
      return pool('research_patient_id').flatMap((patient, index) => {
        const quasi = {
          research_patient_id: patient,
          birth_year_band: bands[index % 5],
          sex: index % 10 < 5 ? 'female' : 'male',
          region: ['north', 'south', 'east', 'west'][
            Math.floor(index / 10) % 4
          ],
        };
        const encounters = faker.number.int({ min: 1, max: 3 });
        return Array.from({ length: encounters }, (_, seq) => ({
          ...quasi,
          encounter_seq: seq + 1,
        }));
      });
    },
  },
  accounts: {
    derive(row, { faker, now }) {
      const closed =
        num(row.opened_at) + faker.number.int({ min: 30, max: 3_000 }) * DAY;
      // Closed accounts are kept 10 years (the contract's retention of closed_at), then purged.
      row.closed_at =
        closed < now &&
        closed > now - 9 * 365 * DAY &&
        faker.datatype.boolean(0.1)
          ? closed
          : null;
    },
  },
};
