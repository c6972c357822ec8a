/**
 * How a change of a data contract affects its consumers: `breaking` (a consumer may fail: needs
 * a new major version), `non-breaking` (a consumer keeps working: a new minor version) or
 * `patch` (documentation only: a new patch version).
 * @public
 */
export type ChangeSeverity = 'breaking' | 'non-breaking' | 'patch';

/**
 * A rule that judges changes of a data contract: its id, the severity of the changes it finds
 * and what it finds. The rules are documented in one table (`odcs/diff/README.md`).
 * @public
 */
export type ContractChangeRule = {
  id: string;
  severity: ChangeSeverity;
  title: string;
};

/**
 * Every rule of {@link diffContracts}, breaking ones first. A change no rule knows is reported
 * by `unclassified-change`, as breaking, so that nothing changes silently.
 * @public
 */
export const CONTRACT_CHANGE_RULES = [
  // Breaking: a consumer may fail.
  {
    id: 'object-removed',
    severity: 'breaking',
    title:
      'A schema object (table, view, topic...) was removed, or renamed without a stable id',
  },
  {
    id: 'object-renamed',
    severity: 'breaking',
    title: 'A schema object was renamed (the same id under a new name)',
  },
  {
    id: 'property-removed',
    severity: 'breaking',
    title:
      'A property (column, field) was removed, or renamed without a stable id',
  },
  {
    id: 'property-renamed',
    severity: 'breaking',
    title: 'A property was renamed (the same id under a new name)',
  },
  {
    id: 'type-changed',
    severity: 'breaking',
    title:
      'A type changed to an incompatible type, to a form the diff does not know, or is no longer declared',
  },
  {
    id: 'type-narrowed',
    severity: 'breaking',
    title:
      'A type was narrowed: shorter strings, a smaller integer, less precision, tighter bounds',
  },
  {
    id: 'property-now-optional',
    severity: 'breaking',
    title: 'A required property became optional: nulls may now appear',
  },
  {
    id: 'property-no-longer-unique',
    severity: 'breaking',
    title: 'A unique property is no longer unique: duplicates may now appear',
  },
  {
    id: 'primary-key-changed',
    severity: 'breaking',
    title:
      'The primary key of a schema object changed: other properties or another order',
  },
  {
    id: 'valid-values-changed',
    severity: 'breaking',
    title: 'The valid values of a property were extended or narrowed',
  },
  {
    id: 'quality-rule-loosened',
    severity: 'breaking',
    title:
      'A quality rule was loosened (its threshold accepts more, its severity is lower), redefined or removed',
  },
  {
    id: 'sla-relaxed',
    severity: 'breaking',
    title:
      'A service level was relaxed (e.g. latency PT1H to PT24H, less retention, lower availability) or removed',
  },
  {
    id: 'server-moved',
    severity: 'breaking',
    title:
      'A server was removed, or where it is changed (type, host, database, schema...)',
  },
  {
    id: 'physical-name-changed',
    severity: 'breaking',
    title:
      'The physical name of a schema object or property changed (consumers query it by that name)',
  },
  {
    id: 'classification-raised',
    severity: 'breaking',
    title:
      'A classification became more restrictive (or unknown): consumers may lose access',
  },
  {
    id: 'access-removed',
    severity: 'breaking',
    title: 'A role was removed, or its access reduced',
  },
  {
    id: 'contract-id-changed',
    severity: 'breaking',
    title: 'The contract id changed: it is another contract',
  },
  {
    id: 'contract-retired',
    severity: 'breaking',
    title: 'The contract was retired',
  },
  {
    id: 'unclassified-change',
    severity: 'breaking',
    title:
      'A field no rule knows changed: treated as breaking, so that nothing changes silently',
  },
  // Non-breaking: a consumer keeps working.
  {
    id: 'object-added',
    severity: 'non-breaking',
    title: 'A schema object was added',
  },
  {
    id: 'property-added',
    severity: 'non-breaking',
    title:
      'A property was added (consumers that do not read it are not affected)',
  },
  {
    id: 'type-widened',
    severity: 'non-breaking',
    title:
      'A type was widened: longer strings, a larger integer, more precision, looser bounds',
  },
  {
    id: 'property-now-required',
    severity: 'non-breaking',
    title: 'An optional property became required: no more nulls',
  },
  {
    id: 'property-now-unique',
    severity: 'non-breaking',
    title: 'A property became unique',
  },
  {
    id: 'quality-rule-tightened',
    severity: 'non-breaking',
    title:
      'A quality rule was tightened (its threshold accepts less, its severity is higher) or added',
  },
  {
    id: 'sla-improved',
    severity: 'non-breaking',
    title: 'A service level was improved or added',
  },
  {
    id: 'server-added',
    severity: 'non-breaking',
    title: 'A server was added',
  },
  {
    id: 'classification-lowered',
    severity: 'non-breaking',
    title: 'A classification became less restrictive',
  },
  {
    id: 'access-added',
    severity: 'non-breaking',
    title: 'A role was added, or its access extended',
  },
  {
    id: 'partitioning-changed',
    severity: 'non-breaking',
    title:
      'How a property partitions the data changed (the data is the same, queries may be slower or faster)',
  },
  {
    id: 'relationship-changed',
    severity: 'non-breaking',
    title: 'A relationship (foreign key) was added, removed or changed',
  },
  {
    id: 'status-changed',
    severity: 'non-breaking',
    title:
      'The status of the contract changed (other than to retired), e.g. active to deprecated',
  },
  {
    id: 'ownership-changed',
    severity: 'non-breaking',
    title:
      'Who owns or approves changed: team, domain, data product, tenant, approvers of a role',
  },
  {
    id: 'support-changed',
    severity: 'non-breaking',
    title: 'A support channel was added, removed or changed',
  },
  {
    id: 'price-changed',
    severity: 'non-breaking',
    title: 'The price changed',
  },
  {
    id: 'custom-property-changed',
    severity: 'non-breaking',
    title:
      'A custom property was added, removed or changed (their meaning is the organisation’s)',
  },
  // Patch: documentation only.
  {
    id: 'documentation-changed',
    severity: 'patch',
    title:
      'Descriptions, business names, tags, examples or authoritative definitions changed',
  },
  {
    id: 'metadata-changed',
    severity: 'patch',
    title:
      'Metadata that promises nothing about the data changed: contract name, apiVersion, creation time, critical data element, granularity, lineage notes, quality rule schedules',
  },
] as const satisfies readonly ContractChangeRule[];

/** The id of a rule of {@link CONTRACT_CHANGE_RULES}. @public */
export type ContractChangeRuleId = (typeof CONTRACT_CHANGE_RULES)[number]['id'];

/**
 * The rule of the last entry of a list that was cut: it counts the changes left out, with the
 * severity of the most severe of them.
 * @public
 */
export const MORE_CHANGES_RULE = 'more-changes';

/**
 * One change between two versions of a data contract, judged from a consumer's point of view:
 * the rule that found it, its severity, where it is (e.g.
 * `schema[orders].properties[amount].physicalType`) and what changed.
 * @public
 */
export type ContractChange = {
  rule: ContractChangeRuleId | typeof MORE_CHANGES_RULE;
  severity: ChangeSeverity;
  path: string;
  message: string;
};

const SEVERITY_OF = new Map<string, ChangeSeverity>(
  CONTRACT_CHANGE_RULES.map(rule => [rule.id, rule.severity]),
);

/** The severity of a rule of {@link CONTRACT_CHANGE_RULES}. */
export function severityOf(rule: ContractChangeRuleId): ChangeSeverity {
  return SEVERITY_OF.get(rule)!;
}
