import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  GovernancePolicy,
  PolicyEnforcement,
  PolicySeverity,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import { Tone, ToneChip } from './StatusChip';

const SEVERITY_TONES: Record<PolicySeverity, Tone> = {
  error: 'error',
  warning: 'warning',
};

const ENFORCEMENT_TONES: Record<PolicyEnforcement, Tone> = {
  enforce: 'error',
  warn: 'warning',
  draft: 'info',
  retired: 'neutral',
};

const WAIVER_TONES: Record<WaiverStatus, Tone> = {
  pending: 'info',
  approved: 'success',
  rejected: 'error',
  revoked: 'warning',
  expired: 'neutral',
};

/** How bad a failure of a policy is: error red, warning orange. */
export function SeverityChip(props: { severity: PolicySeverity }) {
  return (
    <ToneChip
      tone={SEVERITY_TONES[props.severity] ?? 'neutral'}
      label={props.severity}
      variant="outlined"
      title="Severity"
    />
  );
}

/** Where a policy is in its lifecycle: enforce, warn, draft or retired. */
export function EnforcementChip(props: { enforcement: PolicyEnforcement }) {
  return (
    <ToneChip
      tone={ENFORCEMENT_TONES[props.enforcement] ?? 'neutral'}
      label={props.enforcement}
      variant="outlined"
      title="Enforcement"
    />
  );
}

/** The status of a waiver: pending, approved, rejected, revoked or expired. */
export function WaiverStatusChip(props: { status: WaiverStatus }) {
  return (
    <ToneChip
      tone={WAIVER_TONES[props.status] ?? 'neutral'}
      label={props.status}
    />
  );
}

/** Where a policy comes from: "Global", or a link to the Domain that defines it. */
export function PolicyOrigin(props: {
  policy: Pick<GovernancePolicy, 'origin' | 'domainRef'>;
}) {
  if (props.policy.origin !== 'domain') return <>Global</>;
  if (!props.policy.domainRef) return <>Domain</>;
  return (
    <EntityRefLink entityRef={props.policy.domainRef} defaultKind="Domain" />
  );
}
