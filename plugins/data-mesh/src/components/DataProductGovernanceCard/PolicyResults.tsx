import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  PolicyEnforcement,
  PolicySeverity,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  CollapsedSection,
  formatDate,
  formatRelativeTime,
  PolicyOrigin,
  RuleResultItem,
  RuleResultList,
  Section,
} from '../shared';
import {
  PolicyResultRow,
  RESULT_GROUPS,
  ResultGroup,
} from './governanceResults';

/** The state of the waiver of a result, in words, or undefined without one. */
function waiverText(row: PolicyResultRow): string | undefined {
  const { waiver } = row;
  if (!waiver) return undefined;
  if (row.outcome === 'waived') {
    return `Waived until ${formatDate(waiver.expiresAt)}`;
  }
  if (waiver.status === 'pending') {
    return `Waiver requested ${formatRelativeTime(
      waiver.requestedAt,
    )}, waiting for a decision`;
  }
  if (waiver.status === 'approved') {
    // Approved after the last evaluation: the next one applies it.
    return `Waiver approved until ${formatDate(
      waiver.expiresAt,
    )}; it applies from the next evaluation`;
  }
  return undefined;
}

/**
 * What a failure of the policy does, in words: severity and enforcement are facts about the
 * policy, not outcomes, so they are told in the row's details rather than as more badges.
 */
export function policyEffect(
  severity: PolicySeverity,
  enforcement: PolicyEnforcement,
): string {
  if (enforcement === 'draft') return 'Draft: shown to governance admins only';
  if (enforcement === 'retired') return 'Retired: no longer evaluated';
  if (enforcement === 'warn') return 'Warns when it fails';
  return severity === 'error'
    ? 'Enforced: a failure makes the product not compliant'
    : 'Enforced as a warning';
}

function ResultDetails(props: { row: PolicyResultRow }) {
  const { row } = props;
  const waiver = waiverText(row);
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      {row.origin === 'domain' ? (
        <>
          Policy of the domain <PolicyOrigin policy={row} />
        </>
      ) : (
        'Global policy'
      )}
      {` · ${policyEffect(row.severity, row.enforcement)}`}
      {waiver && ` · ${waiver}`}
    </Typography>
  );
}

const needsFixing = (row: PolicyResultRow) =>
  row.group === 'blocking' || row.group === 'warning';

/**
 * A product's policy results: blocking failures, then warnings, waived and passing ones, each
 * with one outcome badge, its origin and what a failure does, how to comply where it does not,
 * and its rule behind a disclosure; results that
 * do not apply collapsed at the end. `onRequestWaiver`, for users who may request waivers,
 * adds "Request waiver" to failures without a pending or active waiver. `collapsePassing`
 * collapses the passing ones too, where only what needs fixing matters.
 */
export function PolicyResults(props: {
  groups: Record<ResultGroup, PolicyResultRow[]>;
  onRequestWaiver?: (row: PolicyResultRow) => void;
  collapsePassing?: boolean;
}) {
  const { groups, onRequestWaiver, collapsePassing } = props;
  const item = (row: PolicyResultRow): RuleResultItem => ({
    id: row.id,
    title: row.title,
    outcome: row.outcome,
    description: row.policy?.description,
    details: <ResultDetails row={row} />,
    message: row.message,
    remediation:
      needsFixing(row) || row.group === 'waived'
        ? row.policy?.remediation
        : undefined,
    code: row.policy && {
      rule: row.policy.rule,
      appliesTo: row.policy.appliesTo,
    },
    action:
      onRequestWaiver && needsFixing(row) && !row.waiver ? (
        <Button
          size="small"
          variant="outlined"
          onClick={() => onRequestWaiver(row)}
        >
          Request waiver
        </Button>
      ) : undefined,
  });

  return (
    <>
      {RESULT_GROUPS.filter(({ group }) => groups[group].length > 0).map(
        ({ group, title }) =>
          collapsePassing && group === 'passing' ? (
            <CollapsedSection
              key={group}
              summary={`${title} (${groups[group].length})`}
            >
              <RuleResultList label={title} items={groups[group].map(item)} />
            </CollapsedSection>
          ) : (
            <Section key={group} title={`${title} (${groups[group].length})`}>
              <RuleResultList label={title} items={groups[group].map(item)} />
            </Section>
          ),
      )}
      {groups.skipped.length > 0 && (
        <CollapsedSection
          summary={`Not applicable to this product (${groups.skipped.length})`}
        >
          <RuleResultList
            label="Not applicable"
            items={groups.skipped.map(item)}
          />
        </CollapsedSection>
      )}
    </>
  );
}
