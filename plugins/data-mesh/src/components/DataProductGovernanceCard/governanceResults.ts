import {
  GovernancePolicy,
  GovernanceResponse,
  GovernanceResult,
  Waiver,
} from '@datamesh-portal/plugin-data-mesh-common';
import { isFailing } from '../shared';

/**
 * How a result counts for the product: `blocking` makes it non-compliant, `warning` is any
 * other failure or error (warn enforcement, warning severity, drafts), `waived` failed under an
 * approved waiver.
 */
export type ResultGroup =
  | 'blocking'
  | 'warning'
  | 'waived'
  | 'passing'
  | 'skipped';

/** The groups of applicable results in the order the card shows them, with their headings. */
export const RESULT_GROUPS: Array<{
  group: Exclude<ResultGroup, 'skipped'>;
  title: string;
}> = [
  { group: 'blocking', title: 'Blocking' },
  { group: 'warning', title: 'Warnings' },
  { group: 'waived', title: 'Waived' },
  { group: 'passing', title: 'Passing' },
];

/** A policy result with its policy (title, description, remediation) and its waiver. */
export interface PolicyResultRow extends GovernanceResult {
  group: ResultGroup;
  title: string;
  policy?: GovernancePolicy;
  /** The waiver that waived it, or else a pending or approved, unexpired one for it. */
  waiver?: Waiver;
}

export function resultGroup(result: GovernanceResult): ResultGroup {
  if (result.blocking) return 'blocking';
  if (isFailing(result.outcome)) return 'warning';
  if (result.outcome === 'waived') return 'waived';
  if (result.outcome === 'skipped') return 'skipped';
  return 'passing';
}

/** A waiver that stands for the policy: pending, or approved and not ended yet. */
function openWaiver(waivers: Waiver[], policyId: string, now: number) {
  return waivers.find(
    waiver =>
      waiver.policyId === policyId &&
      (waiver.status === 'pending' ||
        (waiver.status === 'approved' && Date.parse(waiver.expiresAt) > now)),
  );
}

/**
 * The policy of a result among `policies`: the one of the same origin (and domain) first, since
 * policies of several domains (`GET /rules`) may share an id, else any with its id.
 */
function policyOf(result: GovernanceResult, policies: GovernancePolicy[]) {
  return (
    policies.find(
      p =>
        p.id === result.id &&
        p.origin === result.origin &&
        (result.origin !== 'domain' || p.domainRef === result.domainRef),
    ) ?? policies.find(p => p.id === result.id)
  );
}

/**
 * The results of a product by group, each group by severity (errors first), then title. The
 * policies give titles and remediation: those in force for the product, or all of them (a dry
 * run's results with `GET /rules`); a draft product has no waivers.
 */
export function groupResults(
  governance: Pick<GovernanceResponse, 'results' | 'policies'> & {
    waivers?: Waiver[];
  },
  now: number = Date.now(),
): Record<ResultGroup, PolicyResultRow[]> {
  const waivers = governance.waivers ?? [];
  const rows = governance.results
    .map((result): PolicyResultRow => {
      const policy = policyOf(result, governance.policies);
      return {
        ...result,
        group: resultGroup(result),
        title: policy?.title ?? result.id,
        policy,
        waiver: result.waiverId
          ? waivers.find(w => w.id === result.waiverId)
          : openWaiver(waivers, result.id, now),
      };
    })
    .sort(
      (a, b) =>
        Number(a.severity !== 'error') - Number(b.severity !== 'error') ||
        a.title.localeCompare(b.title),
    );
  const groups: Record<ResultGroup, PolicyResultRow[]> = {
    blocking: [],
    warning: [],
    waived: [],
    passing: [],
    skipped: [],
  };
  for (const row of rows) groups[row.group].push(row);
  return groups;
}
