import { GovernancePolicyDefinition, ScorecardCheckDefinition } from '../api';

/** The default scorecard levels, lowest first. @public */
export const DEFAULT_SCORECARD_LEVELS: string[] = ['bronze', 'silver', 'gold'];

/** Contract tests ran on the data and measured something (not only errors). */
const CONTRACT_TESTS_MEASURED =
  'has(facts.contract_tests) && ((has(facts.contract_tests.passed) && facts.contract_tests.passed > 0) || (has(facts.contract_tests.failed) && facts.contract_tests.failed > 0))';
const FRESHNESS_SLO_DECLARED =
  'has(entity.spec.slos) && has(entity.spec.slos.freshness)';

/**
 * The default scorecard checks for DataProducts; documented in `src/rules/README.md` of
 * `@datamesh-portal/plugin-data-mesh-common`. They read the entity, its resolved domain, owner
 * and upstream products, and the facts `contract_tests` (`{ passed, failed }`) and `freshness`
 * (`{ lastUpdated }`, an ISO timestamp) when a pipeline pushes them.
 * @public
 */
export const DEFAULT_SCORECARD_CHECKS: ScorecardCheckDefinition[] = [
  {
    id: 'has-description',
    title: 'Description is present',
    description: 'The catalog shows the description in lists and search.',
    category: 'documentation',
    level: 'bronze',
    weight: 1,
    rule: 'has(entity.metadata.description) && size(entity.metadata.description) > 0',
    remediation: 'Add metadata.description: one sentence on what the data is.',
  },
  {
    id: 'has-purpose',
    title: 'Purpose is documented',
    description:
      'The purpose says why the product exists and which questions it answers.',
    category: 'documentation',
    level: 'bronze',
    weight: 1,
    rule: 'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
    remediation:
      'Add spec.purpose (at least 20 characters): why the product exists and who it is for.',
  },
  {
    id: 'owner-resolved',
    title: 'Owner exists in the catalog',
    description: 'spec.owner names a team that exists in the catalog.',
    category: 'ownership',
    level: 'bronze',
    weight: 1,
    rule: 'owner != null',
    remediation:
      'Set spec.owner to a group of the catalog (e.g. group:sales-data), or register that group.',
  },
  {
    id: 'domain-resolved',
    title: 'Domain exists in the catalog',
    description: 'spec.domain names a domain that exists in the catalog.',
    category: 'ownership',
    level: 'bronze',
    weight: 1,
    rule: 'domain != null',
    remediation:
      'Set spec.domain to a Domain of the catalog, or register that domain.',
  },
  {
    id: 'classification-set',
    title: 'Data classification is set',
    description:
      'Consumers and policies need to know how sensitive the data is.',
    category: 'documentation',
    level: 'bronze',
    weight: 1,
    rule: "has(entity.spec.classification) && entity.spec.classification in ['public', 'internal', 'confidential', 'restricted']",
    remediation:
      'Set spec.classification to public, internal, confidential or restricted.',
  },
  {
    id: 'version-set',
    title: 'Version is set',
    description: 'A version lets consumers follow changes of the product.',
    category: 'contracts',
    level: 'bronze',
    weight: 1,
    rule: 'has(entity.spec.version) && size(entity.spec.version) > 0',
    remediation: 'Set spec.version, e.g. 1.0.0, and raise it with each change.',
  },
  {
    id: 'usage-documented',
    title: 'Usage and limitations are documented',
    description:
      'Consumers learn how to use the data and what it cannot be used for.',
    category: 'documentation',
    level: 'silver',
    weight: 1,
    rule: 'has(entity.spec.usage) && size(entity.spec.usage) > 0 && has(entity.spec.limitations) && size(entity.spec.limitations) > 0',
    remediation:
      'Add spec.usage (how to use the data) and spec.limitations (known gaps and restrictions).',
  },
  {
    id: 'personal-data-declared',
    title: 'Personal data is declared',
    description:
      'Whether the product holds personal data drives privacy policies.',
    category: 'documentation',
    level: 'silver',
    weight: 1,
    rule: 'has(entity.spec.personalData)',
    remediation: 'Set spec.personalData to true or false.',
  },
  {
    id: 'output-ports-have-contracts',
    title: 'Every output port has a data contract',
    description:
      'Each output port names the ODCS contract consumers can rely on: an API entity, or the contract id as ODPS documents do.',
    category: 'contracts',
    level: 'silver',
    weight: 1,
    rule: 'has(entity.spec.outputPorts) && size(entity.spec.outputPorts) > 0 && entity.spec.outputPorts.all(p, has(p.contract) || has(p.contractId))',
    remediation:
      'Declare at least one output port and set its contract to an API entity of type odcs (or its contractId to the ODCS id).',
  },
  {
    id: 'slos-declared',
    title: 'Freshness and availability SLOs are declared',
    description: 'Consumers know how fresh and how available the data is.',
    category: 'operations',
    level: 'silver',
    weight: 1,
    rule: 'has(entity.spec.slos) && has(entity.spec.slos.freshness) && has(entity.spec.slos.availability)',
    remediation:
      'Add spec.slos.freshness (ISO-8601 duration, e.g. PT24H) and spec.slos.availability (percent, e.g. 99.5).',
  },
  {
    id: 'support-channel',
    title: 'A support channel is listed',
    description: 'Consumers know where to ask questions and report problems.',
    category: 'operations',
    level: 'silver',
    weight: 1,
    rule: 'has(entity.spec.support) && size(entity.spec.support) > 0',
    remediation: 'Add spec.support with a channel and its url.',
  },
  {
    id: 'deprecation-has-sunset',
    title: 'A deprecated product has a sunset date',
    description:
      'Consumers of a deprecated product know until when it is served.',
    category: 'operations',
    level: 'silver',
    weight: 1,
    appliesTo: "entity.spec.status == 'deprecated'",
    rule: 'has(entity.spec.deprecation) && has(entity.spec.deprecation.sunset)',
    remediation:
      'Add spec.deprecation.sunset (YYYY-MM-DD) and, if there is one, spec.deprecation.replacedBy.',
  },
  {
    id: 'upstream-active',
    title: 'All upstream products are active',
    description:
      'The products this one consumes are not proposed, deprecated or retired.',
    category: 'quality',
    level: 'gold',
    weight: 1,
    rule: "upstream.all(u, u.spec.status == 'active')",
    remediation:
      'Move input ports off deprecated or retired products (see their spec.deprecation.replacedBy).',
  },
  {
    id: 'contract-tests-measured',
    title: 'Data contract tests measure the data',
    description:
      'The contracts were tested on the data: the fact contract_tests has at least one passed or failed check. Without it the quality of the data is not measured, and the product cannot hold the top level.',
    category: 'quality',
    level: 'gold',
    weight: 4,
    rule: CONTRACT_TESTS_MEASURED,
    remediation:
      'Not measured: name a server of dataMesh.servers in the contract (servers[].server) so the portal tests it, or push results from CI (POST /api/data-mesh/facts, source contract_tests).',
  },
  {
    id: 'contract-tests-passing',
    title: 'Data contract tests pass',
    description:
      'The latest contract test runs have no failed checks and no errors: the fact contract_tests, written by the backend from its runs of every contract on its data server, or pushed by CI.',
    category: 'quality',
    level: 'gold',
    weight: 6,
    appliesTo: CONTRACT_TESTS_MEASURED,
    rule: '(!has(facts.contract_tests.failed) || facts.contract_tests.failed == 0) && (!has(facts.contract_tests.errors) || facts.contract_tests.errors == 0)',
    remediation:
      'Fix the data, or the contract, where the failing checks of the Contract tests tab point, and run the tests again.',
  },
  {
    id: 'freshness-measured',
    title: 'Freshness is measured',
    description:
      'A product that declares a freshness SLO has it measured: the fact freshness.lastUpdated, from the freshness (latency) service level of its contract tested on the data, or pushed by a pipeline.',
    category: 'quality',
    level: 'gold',
    weight: 2,
    appliesTo: FRESHNESS_SLO_DECLARED,
    rule: 'has(facts.freshness) && has(facts.freshness.lastUpdated)',
    remediation:
      'Not measured: add a latency (or freshness) service level on a timestamp column to the contract (slaProperties), or push freshness.lastUpdated from the pipeline.',
  },
  {
    id: 'data-fresh',
    title: 'Freshness SLO is met',
    description:
      'The newest data is within spec.slos.freshness: the fact freshness.lastUpdated, measured by the contract tests on the data server (or pushed by a pipeline).',
    category: 'quality',
    level: 'gold',
    weight: 4,
    appliesTo: `${FRESHNESS_SLO_DECLARED} && has(facts.freshness) && has(facts.freshness.lastUpdated)`,
    rule: 'now - timestamp(facts.freshness.lastUpdated) <= isoDuration(entity.spec.slos.freshness)',
    remediation:
      'Check the pipeline that updates the product; the data is older than its freshness SLO.',
  },
];

/**
 * The default global governance policies; documented in `src/rules/README.md` of
 * `@datamesh-portal/plugin-data-mesh-common`. A platform replaces one by configuring a policy
 * with its id, or all of them with `dataMesh.governance.defaultPolicies: false`.
 * @public
 */
export const DEFAULT_GOVERNANCE_POLICIES: GovernancePolicyDefinition[] = [
  {
    id: 'owner-is-group',
    title: 'Owned by a team of the catalog',
    description:
      'Every data product is owned by a group that exists in the catalog, not by a person or a name nobody can find.',
    severity: 'error',
    enforcement: 'enforce',
    rule: "owner != null && owner.kind.lowerAscii() == 'group'",
    remediation:
      'Set spec.owner to a group of the catalog (e.g. group:sales-data), or register that group.',
  },
  {
    id: 'domain-exists',
    title: 'Belongs to a domain of the catalog',
    description: 'Every data product belongs to a domain that exists.',
    severity: 'error',
    enforcement: 'enforce',
    rule: 'domain != null',
    remediation:
      'Set spec.domain to a Domain of the catalog, or register that domain first.',
  },
  {
    id: 'personal-data-protected',
    title: 'Personal data is confidential or restricted',
    description:
      'Products holding personal data are classified confidential or restricted, so access to them is controlled.',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo: 'has(entity.spec.personalData) && entity.spec.personalData',
    rule: "has(entity.spec.classification) && entity.spec.classification in ['confidential', 'restricted']",
    remediation:
      'Set spec.classification to confidential or restricted, or remove the personal data.',
  },
  {
    id: 'sensitive-data-not-auto-approved',
    title: 'Access to sensitive data is approved by its owners',
    description:
      'Products holding personal data or classified confidential or restricted approve no access request automatically: an owner decides each one. The backend refuses automatic approval for them unless this policy is waived for the product.',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo:
      "(has(entity.spec.personalData) && entity.spec.personalData) || (has(entity.spec.classification) && entity.spec.classification in ['confidential', 'restricted'])",
    rule: "!has(entity.spec.outputPorts) || entity.spec.outputPorts.all(p, !has(p.access) || !has(p.access.approval) || p.access.approval != 'automatic')",
    remediation:
      'Set spec.outputPorts[].access.approval to owners (or remove it), or ask for a waiver of this policy.',
  },
  {
    id: 'active-output-ports-have-contracts',
    title: 'Every output port of an active product has a valid contract',
    description:
      'Consumers of an active product rely on its contracts: each output port names one, and each named contract is in the catalog (so it passed ODCS validation).',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo: "entity.spec.status == 'active'",
    rule: 'has(entity.spec.outputPorts) && size(entity.spec.outputPorts) > 0 && entity.spec.outputPorts.all(p, has(p.contract) || has(p.contractId)) && facts.catalog.contracts >= size(entity.spec.outputPorts)',
    remediation:
      'Give each output port a contract (an ODCS API entity) and register it in the catalog; fix its ODCS validation errors if the catalog refused it.',
  },
  {
    id: 'deprecated-names-sunset',
    title: 'A deprecated product names its sunset date',
    description:
      'Consumers of a deprecated product need to know until when they can rely on it.',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo: "entity.spec.status == 'deprecated'",
    rule: 'has(entity.spec.deprecation) && has(entity.spec.deprecation.sunset)',
    remediation:
      'Set spec.deprecation.sunset to the date the product stops being served (and spec.deprecation.replacedBy if there is one).',
  },
  {
    id: 'no-retired-upstream',
    title: 'An active product reads from no retired product',
    description:
      'A retired product is no longer served; an active product depending on it is broken or about to be.',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo: "entity.spec.status == 'active'",
    rule: "upstream.all(u, !has(u.spec.status) || u.spec.status != 'retired')",
    remediation:
      'Move the input port to the retired product’s replacement, or remove it.',
  },
  {
    id: 'contract-versions-cover-changes',
    title: 'Contract versions cover their changes',
    description:
      'Consumers rely on a contract’s version: the last change of each contract the product provides declares a version bump at least as large as its changes need (a breaking change a new major version, a non-breaking one a new minor, a documentation change a new patch). The portal compares each new definition with the one before (fact contract_versions).',
    severity: 'error',
    enforcement: 'enforce',
    appliesTo: 'has(facts.contract_versions)',
    rule: 'facts.contract_versions.uncovered == 0',
    remediation:
      'Raise the version of each contract named in facts.contract_versions.uncoveredContracts to what its changes need (data-mesh-check diff says which, the Changes tab shows them), or ask for a waiver of this policy.',
  },
  {
    id: 'name-convention',
    title: 'Name follows the naming convention',
    description:
      'Product names are lowercase words joined by hyphens (e.g. customer-orders), so they read the same in URLs, warehouses and pipelines.',
    severity: 'warning',
    enforcement: 'warn',
    rule: "entity.metadata.name.matches('^[a-z][a-z0-9-]*$') && !entity.metadata.name.endsWith('-') && !entity.metadata.name.contains('--')",
    remediation:
      'Rename the product to lowercase words joined by hyphens, e.g. customer-orders.',
  },
];
