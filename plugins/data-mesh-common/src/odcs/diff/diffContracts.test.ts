import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { validateOdcsContract } from '../validateOdcsContract';
import { parseOdcsContract } from '../validateOdcsContract';
import { MAX_CONTRACT_CHANGES } from './changes';
import { diffContracts } from './diffContracts';
import { CONTRACT_CHANGE_RULES, ContractChangeRuleId } from './rules';
import { requiredBump } from './version';
import { ordersContract, TestContract } from './__testUtils__/ordersContract';

type Contract = TestContract;
type Mutation = (contract: Contract) => void;

const orders = (c: Contract) => c.schema[0];
const customers = (c: Contract) => c.schema[1];
const property = (c: Contract, name: string) =>
  orders(c).properties.find((p: { name: string }) => p.name === name);

/** The contract changed by `mutate`; it must still be a valid contract, unless `invalid`. */
function changed(mutate: Mutation, invalid = false): Contract {
  const contract = ordersContract();
  mutate(contract);
  if (!invalid) validateOdcsContract(contract);
  return contract;
}

function rulesOf(mutate: Mutation, invalid = false): string[] {
  return diffContracts(ordersContract(), changed(mutate, invalid)).map(
    c => c.rule,
  );
}

/**
 * For every rule: a change that triggers it, and a change close to it that must not (a
 * widening for a narrowing, a reorder, a change judged by another rule).
 */
const CASES: Record<
  ContractChangeRuleId,
  { triggers: Mutation; doesNot: Mutation; invalid?: true }
> = {
  'object-removed': {
    triggers: c => c.schema.pop(),
    doesNot: c => c.schema.reverse(),
  },
  'object-renamed': {
    triggers: c => (orders(c).name = 'purchases'),
    // Without an id, a rename is a removal and an addition.
    doesNot: c => (customers(c).name = 'clients'),
  },
  'property-removed': {
    triggers: c => orders(c).properties.splice(2, 1),
    doesNot: c => orders(c).properties.reverse(),
  },
  'property-renamed': {
    triggers: c => (property(c, 'amount').name = 'total'),
    doesNot: c => (property(c, 'status').name = 'state'),
  },
  'type-changed': {
    triggers: c => (property(c, 'amount').logicalType = 'string'),
    doesNot: c => (property(c, 'created_at').physicalType = 'TIMESTAMP'),
  },
  'type-narrowed': {
    triggers: c => (property(c, 'order_id').physicalType = 'varchar(20)'),
    doesNot: c => (property(c, 'order_id').physicalType = 'varchar(64)'),
  },
  'type-widened': {
    triggers: c => (property(c, 'order_id').physicalType = 'VARCHAR(64)'),
    doesNot: c => (property(c, 'order_id').physicalType = 'varchar(20)'),
  },
  'property-now-optional': {
    triggers: c => (property(c, 'amount').required = false),
    doesNot: c => (property(c, 'status').required = true),
  },
  'property-now-required': {
    triggers: c => (property(c, 'status').required = true),
    doesNot: c => delete property(c, 'amount').required,
  },
  'property-no-longer-unique': {
    triggers: c => delete property(c, 'order_id').unique,
    doesNot: c => (property(c, 'status').unique = true),
  },
  'property-now-unique': {
    triggers: c => (property(c, 'status').unique = true),
    doesNot: c => (property(c, 'order_id').unique = false),
  },
  'primary-key-changed': {
    triggers: c =>
      Object.assign(property(c, 'amount'), {
        primaryKey: true,
        primaryKeyPosition: 2,
      }),
    // The key property renamed (same id) is the same key.
    doesNot: c => (property(c, 'order_id').name = 'id'),
  },
  'valid-values-changed': {
    triggers: c =>
      property(c, 'status').quality[0].arguments.validValues.push('cancelled'),
    doesNot: c =>
      property(c, 'status').quality[0].arguments.validValues.reverse(),
  },
  'quality-rule-loosened': {
    triggers: c => (orders(c).quality[0].mustBeGreaterThan = 10),
    doesNot: c => (orders(c).quality[0].mustBeGreaterThan = 5000),
  },
  'quality-rule-tightened': {
    triggers: c => (orders(c).quality[0].mustBeGreaterThan = 5000),
    doesNot: c => (orders(c).quality[0].mustBeGreaterThan = 10),
  },
  'sla-relaxed': {
    triggers: c => Object.assign(c.slaProperties[0], { value: 24 }),
    // The same hour, written otherwise.
    doesNot: c => Object.assign(c.slaProperties[0], { value: 60, unit: 'm' }),
  },
  'sla-improved': {
    triggers: c => Object.assign(c.slaProperties[0], { value: 30, unit: 'm' }),
    doesNot: c => Object.assign(c.slaProperties[0], { value: 24 }),
  },
  'server-moved': {
    triggers: c => (c.servers[0].host = 'db2.example.com'),
    doesNot: c => (c.servers[0].description = 'The main shop database'),
  },
  'server-added': {
    triggers: c =>
      c.servers.push({
        server: 'dev',
        type: 'postgres',
        host: 'localhost',
        port: 5432,
        database: 'shop',
        schema: 'public',
      }),
    doesNot: c => c.servers.pop(),
  },
  'physical-name-changed': {
    triggers: c => (orders(c).physicalName = 'orders_v2'),
    // A rename that keeps the physical name: consumers query the same table.
    doesNot: c => (orders(c).name = 'purchases'),
  },
  'classification-raised': {
    triggers: c => (property(c, 'order_id').classification = 'restricted'),
    doesNot: c => (property(c, 'order_id').classification = 'public'),
  },
  'classification-lowered': {
    triggers: c => (property(c, 'order_id').classification = 'public'),
    doesNot: c => (property(c, 'order_id').classification = 'restricted'),
  },
  'access-removed': {
    triggers: c => c.roles.pop(),
    doesNot: c => (c.roles[0].firstLevelApprovers = 'Sales director'),
  },
  'access-added': {
    triggers: c => c.roles.push({ role: 'orders_writer', access: 'write' }),
    doesNot: c => (c.roles[0].firstLevelApprovers = 'Sales director'),
  },
  'contract-id-changed': {
    triggers: c => (c.id = 'other-contract'),
    doesNot: c => (c.version = '2.0.0'),
  },
  'contract-retired': {
    triggers: c => (c.status = 'retired'),
    doesNot: c => (c.status = 'deprecated'),
  },
  'status-changed': {
    triggers: c => (c.status = 'deprecated'),
    doesNot: c => (c.status = 'retired'),
  },
  'unclassified-change': {
    // A field of a later ODCS version, which v3.1.0 refuses.
    triggers: c => (c.lineage = { source: 'erp' }),
    doesNot: c => (customers(c).properties[1].description = 'Free text'),
    invalid: true,
  },
  'object-added': {
    triggers: c => c.schema.push({ name: 'payments', properties: [] }),
    doesNot: c => c.schema.pop(),
  },
  'property-added': {
    triggers: c => orders(c).properties.push({ name: 'coupon' }),
    doesNot: c => orders(c).properties.reverse(),
  },
  'partitioning-changed': {
    triggers: c => (property(c, 'created_at').partitioned = false),
    doesNot: c => (property(c, 'created_at').description = 'When placed'),
  },
  'relationship-changed': {
    triggers: c =>
      (property(c, 'customer').properties[0].relationships = [
        { type: 'foreignKey', to: 'customers.id' },
      ]),
    doesNot: c => (property(c, 'customer').properties[0].tags = ['fk']),
  },
  'ownership-changed': {
    triggers: c => c.team.members.push({ username: 'bob', role: 'steward' }),
    doesNot: c => c.support.push({ channel: 'orders@example.com' }),
  },
  'support-changed': {
    triggers: c => c.support.push({ channel: 'orders@example.com' }),
    doesNot: c => (c.domain = 'commerce'),
  },
  'price-changed': {
    triggers: c => (c.price.priceAmount = 2),
    doesNot: c => (c.description.usage = 'Join on customer.id'),
  },
  'custom-property-changed': {
    triggers: c => (c.customProperties[0].value = '43'),
    doesNot: c => c.customProperties.reverse(),
  },
  'documentation-changed': {
    triggers: c => (property(c, 'order_id').description = 'The id'),
    doesNot: c => property(c, 'order_id').tags.reverse(),
  },
  'metadata-changed': {
    triggers: c => (c.name = 'Shop orders'),
    doesNot: c => (c.version = '1.0.1'),
  },
};

describe('diffContracts', () => {
  it('finds nothing between a contract and itself', () => {
    expect(diffContracts(ordersContract(), ordersContract())).toEqual([]);
  });

  describe.each(CONTRACT_CHANGE_RULES.map(rule => [rule.id, rule.severity]))(
    'rule %s (%s)',
    (id, severity) => {
      it('is triggered by its change', () => {
        const { triggers, invalid } = CASES[id];
        const changes = diffContracts(
          ordersContract(),
          changed(triggers, invalid),
        );
        expect(changes).toContainEqual(
          expect.objectContaining({ rule: id, severity }),
        );
      });

      it('is not triggered by a change close to it', () => {
        expect(rulesOf(CASES[id].doesNot, CASES[id].invalid)).not.toContain(id);
      });
    },
  );

  it('reports a rename without an id as a removal and an addition', () => {
    expect(rulesOf(c => (property(c, 'status').name = 'state'))).toEqual([
      'property-removed',
      'property-added',
    ]);
    expect(rulesOf(c => (customers(c).name = 'clients'))).toEqual([
      'object-removed',
      'object-added',
    ]);
  });

  it('reports a rename with an id once, not as a physical rename too', () => {
    expect(rulesOf(c => (property(c, 'amount').name = 'total'))).toEqual([
      'property-renamed',
    ]);
  });

  it('reports nothing for reordered objects, properties, rules, values and lists', () => {
    const reordered = changed(c => {
      property(c, 'customer').properties.reverse();
      property(c, 'lines').items.properties.reverse();
      property(c, 'status').quality[0].arguments.validValues.reverse();
      c.slaProperties.reverse();
      c.tags.reverse();
      c.customProperties.reverse();
      for (const object of c.schema) object.properties.reverse();
      c.schema.reverse();
    });
    expect(diffContracts(ordersContract(), reordered)).toEqual([]);
  });

  it('names where each change is and what changed', () => {
    const changes = diffContracts(
      ordersContract(),
      changed(c => {
        property(c, 'order_id').physicalType = 'varchar(20)';
        property(c, 'lines').items.properties[1].logicalType = 'number';
        property(c, 'customer').properties[1].logicalTypeOptions.maxLength = 50;
        c.slaProperties[0] = { property: 'latency', value: 'PT24H' };
      }),
    );
    expect(changes).toEqual([
      {
        rule: 'type-narrowed',
        severity: 'breaking',
        path: 'schema[orders].properties[order_id].physicalType',
        message:
          'Property orders.order_id: physicalType "varchar(36)" to "varchar(20)": shorter strings',
      },
      {
        rule: 'type-narrowed',
        severity: 'breaking',
        path: 'schema[orders].properties[customer].properties[email].logicalTypeOptions.maxLength',
        message:
          'Property orders.customer.email: maxLength 100 to 50: a tighter bound',
      },
      {
        rule: 'sla-relaxed',
        severity: 'breaking',
        path: 'slaProperties[latency].value',
        message: 'Service level latency: 1 h to PT24H: relaxed',
      },
      {
        rule: 'type-widened',
        severity: 'non-breaking',
        path: 'schema[orders].properties[lines].items.properties[quantity].logicalType',
        message:
          'Property orders.lines[].quantity: logicalType "integer" to "number"',
      },
    ]);
  });

  it('relaxes a service level from PT1H to PT24H, and improves it back', () => {
    const hourly = changed(c => (c.slaProperties[0].value = 'PT1H'));
    delete hourly.slaProperties[0].unit;
    const daily = changed(c => {
      c.slaProperties[0].value = 'PT24H';
      delete c.slaProperties[0].unit;
    });
    expect(diffContracts(hourly, daily)).toEqual([
      expect.objectContaining({
        rule: 'sla-relaxed',
        message: 'Service level latency: PT1H to PT24H: relaxed',
      }),
    ]);
    expect(diffContracts(daily, hourly).map(c => c.rule)).toEqual([
      'sla-improved',
    ]);
  });

  it('judges each service level by its own direction', () => {
    const sla = (name: string, from: object, to: object) =>
      diffContracts(
        changed(c => (c.slaProperties = [{ property: name, ...from }])),
        changed(c => (c.slaProperties = [{ property: name, ...to }])),
      ).map(c => c.rule);
    expect(
      sla('retention', { value: 3, unit: 'y' }, { value: 2, unit: 'y' }),
    ).toEqual(['sla-relaxed']);
    expect(
      sla('retention', { value: 1, unit: 'y' }, { value: 400, unit: 'd' }),
    ).toEqual(['sla-improved']);
    expect(
      sla('frequency', { value: 1, unit: 'd' }, { value: 24, unit: 'hours' }),
    ).toEqual([]);
    expect(sla('availability', { value: 99.9 }, { value: 99 })).toEqual([
      'sla-relaxed',
    ]);
    expect(sla('availability', { value: '99.9%' }, { value: 99.95 })).toEqual([
      'sla-improved',
    ]);
    expect(sla('errorRate', { value: 1 }, { value: 2 })).toEqual([
      'sla-relaxed',
    ]);
    expect(
      sla('endOfLife', { value: '2042-05-12' }, { value: '2032-05-12' }),
    ).toEqual(['sla-relaxed']);
    expect(
      sla(
        'timeOfAvailability',
        { value: '09:00-08:00' },
        { value: '10:00-08:00' },
      ),
    ).toEqual(['sla-relaxed']);
    expect(
      sla(
        'timeOfAvailability',
        { value: '09:00-08:00' },
        { value: '08:00-09:00' },
      ),
    ).toEqual([]);
    // Not comparable, or not known: relaxed, and the message says why.
    expect(
      sla('latency', { value: 4, unit: 'd' }, { value: 4, unit: 'parsecs' }),
    ).toEqual(['sla-relaxed']);
    expect(sla('coffeeBreaks', { value: 3 }, { value: 4 })).toEqual([
      'sla-relaxed',
    ]);
    expect(
      sla(
        'availability',
        { value: 99, unit: 'percent' },
        { value: 0.99, unit: 'ratio' },
      ),
    ).toEqual(['sla-relaxed']);
  });

  it('pairs service levels of the same property by element and driver', () => {
    const twice = (first: string, second: string) =>
      changed(
        c =>
          (c.slaProperties = [
            {
              property: 'timeOfAvailability',
              value: first,
              driver: 'regulatory',
            },
            {
              property: 'timeOfAvailability',
              value: second,
              driver: 'analytics',
            },
          ]),
      );
    const swapped = twice('09:00', '08:00');
    swapped.slaProperties.reverse();
    expect(diffContracts(twice('09:00', '08:00'), swapped)).toEqual([]);
    expect(
      diffContracts(twice('09:00', '08:00'), twice('09:00', '08:30')),
    ).toEqual([
      expect.objectContaining({
        rule: 'sla-relaxed',
        path: 'slaProperties[timeOfAvailability (analytics)].value',
      }),
    ]);
  });

  it('judges quality thresholds by the values they accept', () => {
    const judge = (from: object, to: object) =>
      diffContracts(
        changed(c => (orders(c).quality = [{ metric: 'rowCount', ...from }])),
        changed(c => (orders(c).quality = [{ metric: 'rowCount', ...to }])),
      ).map(c => c.rule);
    expect(judge({ mustBeLessThan: 10 }, { mustBeLessThan: 20 })).toEqual([
      'quality-rule-loosened',
    ]);
    expect(judge({ mustBeLessThan: 20 }, { mustBeLessThan: 10 })).toEqual([
      'quality-rule-tightened',
    ]);
    expect(judge({ mustBeLessThan: 10 }, { mustBeLessOrEqualTo: 10 })).toEqual([
      'quality-rule-loosened',
    ]);
    expect(judge({ mustBeLessOrEqualTo: 10 }, { mustBeLessThan: 10 })).toEqual([
      'quality-rule-tightened',
    ]);
    expect(
      judge({ mustBeGreaterThan: 10 }, { mustBeGreaterOrEqualTo: 10 }),
    ).toEqual(['quality-rule-loosened']);
    expect(
      judge({ mustBeBetween: [0, 10] }, { mustBeBetween: [0, 20] }),
    ).toEqual(['quality-rule-loosened']);
    expect(
      judge({ mustBeBetween: [0, 10] }, { mustBeBetween: [2, 8] }),
    ).toEqual(['quality-rule-tightened']);
    // Shifted: accepts values it did not, so loosened.
    expect(
      judge({ mustBeBetween: [0, 10] }, { mustBeBetween: [5, 15] }),
    ).toEqual(['quality-rule-loosened']);
    expect(
      judge({ mustNotBeBetween: [0, 10] }, { mustNotBeBetween: [2, 8] }),
    ).toEqual(['quality-rule-loosened']);
    expect(
      judge({ mustNotBeBetween: [2, 8] }, { mustNotBeBetween: [0, 10] }),
    ).toEqual(['quality-rule-tightened']);
    expect(judge({ mustBe: 0 }, { mustBeLessThan: 5 })).toEqual([
      'quality-rule-loosened',
    ]);
    expect(judge({ mustBeLessThan: 5 }, { mustBe: 0 })).toEqual([
      'quality-rule-tightened',
    ]);
    expect(judge({ mustNotBe: 3 }, { mustBeGreaterThan: 3 })).toEqual([
      'quality-rule-tightened',
    ]);
    // The same numbers, written otherwise.
    expect(
      judge({ mustBeBetween: [0, 10] }, { mustBeBetween: [10, 0] }),
    ).toEqual([]);
  });

  it('judges quality rule severities, definitions, removals and additions', () => {
    const amountRule = (c: Contract) => property(c, 'amount').quality[0];
    expect(rulesOf(c => (amountRule(c).severity = 'warning'))).toEqual([
      'quality-rule-loosened',
    ]);
    expect(rulesOf(c => (amountRule(c).severity = 'info'))).toEqual([
      'quality-rule-loosened',
    ]);
    expect(
      diffContracts(
        changed(c => (amountRule(c).severity = 'warning')),
        ordersContract(),
      ).map(c => c.rule),
    ).toEqual(['quality-rule-tightened']);
    // Paired by name: another metric redefines the rule, which counts as loosened.
    expect(rulesOf(c => (amountRule(c).metric = 'missingValues'))).toEqual([
      'quality-rule-loosened',
    ]);
    expect(rulesOf(c => (property(c, 'amount').quality = []))).toEqual([
      'quality-rule-loosened',
    ]);
    expect(
      rulesOf(
        c =>
          (property(c, 'created_at').quality = [
            { type: 'sql', query: 'SELECT 1', mustBe: 1 },
          ]),
      ),
    ).toEqual(['quality-rule-tightened']);
    expect(
      rulesOf(c => {
        amountRule(c).description = 'Amounts are set';
        amountRule(c).schedule = '0 20 * * *';
      }),
    ).toEqual(['documentation-changed', 'metadata-changed']);
  });

  it('says which valid values were added and which removed', () => {
    const [change] = diffContracts(
      ordersContract(),
      changed(
        c =>
          (property(c, 'status').quality[0].arguments.validValues = [
            'placed',
            'delivered',
            'cancelled',
          ]),
      ),
    );
    expect(change).toEqual({
      rule: 'valid-values-changed',
      severity: 'breaking',
      path: 'schema[orders].properties[status].quality[invalidValues].arguments.validValues',
      message:
        'Property orders.status: quality rule invalidValues: valid values extended with ["cancelled"]; narrowed: no longer ["shipped"]',
    });
  });

  it('compares the primary key by properties and order', () => {
    const key = (c: Contract) => c.schema[0].properties;
    const compositeKey = changed(c =>
      Object.assign(key(c)[1], { primaryKey: true, primaryKeyPosition: 2 }),
    );
    const swapped = changed(c => {
      Object.assign(key(c)[0], { primaryKeyPosition: 2 });
      Object.assign(key(c)[1], { primaryKey: true, primaryKeyPosition: 1 });
    });
    expect(diffContracts(compositeKey, swapped)).toEqual([
      expect.objectContaining({
        rule: 'primary-key-changed',
        path: 'schema[orders]',
        message:
          'Object orders: primary key changed from (order_id, amount) to (amount, order_id)',
      }),
    ]);
    expect(rulesOf(c => (property(c, 'order_id').primaryKey = false))).toEqual([
      'primary-key-changed',
    ]);
  });

  it('moves a server when any field saying where it is changes, or it is removed', () => {
    expect(rulesOf(c => (c.servers[0].schema = 'sales'))).toEqual([
      'server-moved',
    ]);
    expect(rulesOf(c => (c.servers[0].environment = 'prod'))).toEqual([
      'server-moved',
    ]);
    expect(rulesOf(c => (c.servers[0].server = 'production'))).toEqual([
      'server-moved',
      'server-added',
    ]);
  });

  it('lists changes no rule knows, as breaking, naming the field', () => {
    const before = ordersContract();
    const after = ordersContract();
    after.x_lineage = { source: 'erp' };
    after.schema[0].x_owner = 'ops';
    const changes = diffContracts(before, after);
    expect(changes).toEqual([
      {
        rule: 'unclassified-change',
        severity: 'breaking',
        path: 'schema[orders].x_owner',
        message:
          'Object orders: x_owner added: "ops"; no rule knows this field, so the change counts as breaking',
      },
      {
        rule: 'unclassified-change',
        severity: 'breaking',
        path: 'x_lineage',
        message:
          'The contract: x_lineage added: {"source":"erp"}; no rule knows this field, so the change counts as breaking',
      },
    ]);
  });

  it('lists the most severe changes first, in document order', () => {
    const changes = diffContracts(
      ordersContract(),
      changed(c => {
        c.description.purpose = 'Every order';
        orders(c).properties.push({ name: 'coupon' });
        property(c, 'status').required = false;
        property(c, 'amount').required = false;
      }),
    );
    expect(changes.map(c => [c.severity, c.path])).toEqual([
      ['breaking', 'schema[orders].properties[amount].required'],
      ['non-breaking', 'schema[orders].properties[coupon]'],
      ['patch', 'description.purpose'],
    ]);
  });

  it('cuts a long list, keeping the most severe changes and the bump they need', () => {
    const wide = (count: number) =>
      changed(c => {
        orders(c).properties = Array.from({ length: count }, (_, i) => ({
          name: `c${i}`,
          description: 'old',
        }));
      });
    const before = wide(2000);
    const after = changed(c => {
      orders(c).properties = orders(before).properties.map(
        (p: object, i: number) => ({
          ...p,
          description: 'new',
          // One breaking change among many patches, at the end.
          ...(i === 1999 ? { logicalType: 'string' } : {}),
        }),
      );
    });
    const changes = diffContracts(before, after);
    expect(changes).toHaveLength(MAX_CONTRACT_CHANGES);
    expect(changes[0]).toMatchObject({
      rule: 'type-narrowed',
      path: 'schema[orders].properties[c1999].logicalType',
    });
    expect(changes[MAX_CONTRACT_CHANGES - 1]).toEqual({
      rule: 'more-changes',
      severity: 'patch',
      path: '',
      message: 'and 1502 more changes (1502 patch)',
    });
    expect(requiredBump(changes)).toBe('major');

    const removed = diffContracts(wide(2000), wide(0));
    expect(removed.at(-1)).toEqual({
      rule: 'more-changes',
      severity: 'breaking',
      path: '',
      message: 'and 1501 more changes (1501 breaking)',
    });
    expect(requiredBump(removed)).toBe('major');
  });

  it('compares anything without failing, and refuses what is not a contract', () => {
    const odd = {
      ...ordersContract(),
      schema: [{ name: 'orders', properties: 'none', quality: 5 }, 'x', null],
      servers: { prod: true },
      slaProperties: [{ property: 'latency', value: { a: 1 } }],
      customProperties: ['x'],
    };
    expect(() => diffContracts(ordersContract(), odd as any)).not.toThrow();
    expect(() => diffContracts(odd as any, ordersContract())).not.toThrow();
    expect(() => diffContracts('x' as any, ordersContract())).toThrow(
      InputError,
    );
  });

  it('stays bounded on deeply nested properties', () => {
    const nest = (depth: number, leafType: string): any =>
      depth === 0
        ? { name: 'leaf', logicalType: leafType }
        : {
            name: `n${depth}`,
            logicalType: 'object',
            properties: [nest(depth - 1, leafType)],
          };
    const deep = (leafType: string) =>
      ({
        ...ordersContract(),
        schema: [{ name: 'o', properties: [nest(200, leafType)] }],
      } as any);
    const changes = diffContracts(deep('string'), deep('integer'));
    expect(changes).toEqual([
      expect.objectContaining({
        rule: 'unclassified-change',
        severity: 'breaking',
      }),
    ]);
    expect(changes[0].message).toContain('not compared field by field');
  });

  describe('the official ODCS examples', () => {
    const root = path.join(__dirname, '..', '__fixtures__', 'examples');
    const examples = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter(file => file.endsWith('.odcs.yaml'))
      .sort();

    /** Every list reversed, at every depth: the same contract for a consumer. */
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed).reverse();
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, reversed(v)]),
        );
      }
      return value;
    };

    it('are all there', () => {
      expect(examples).toHaveLength(18);
    });

    it.each(examples)(
      '%s has no change against itself, nor reordered',
      file => {
        const text = fs.readFileSync(path.join(root, file), 'utf8');
        const contract = parseOdcsContract(text);
        expect(diffContracts(contract, parseOdcsContract(text))).toEqual([]);
        expect(diffContracts(contract, reversed(contract) as any)).toEqual([]);
      },
    );
  });
});
