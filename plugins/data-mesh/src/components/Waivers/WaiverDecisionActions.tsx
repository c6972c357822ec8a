import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Waiver, WaiverStatus } from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { dataMeshApiRef, WaiverDecision } from '../../api';
import { DecisionActions, formatDate } from '../shared';

/** What can still be decided about a waiver in each status. */
const DECISIONS: Partial<Record<WaiverStatus, WaiverDecision[]>> = {
  pending: ['approve', 'reject'],
  approved: ['revoke'],
};

/** Whether a governance admin can still decide something about the waiver. */
export function isDecidable(waiver: Waiver): boolean {
  return (DECISIONS[waiver.status] ?? []).length > 0;
}

/**
 * The buttons a governance admin has for a waiver: Approve and Reject while it is pending,
 * Revoke once approved. Each asks for an optional comment before it decides.
 */
export function WaiverDecisionActions(props: {
  waiver: Waiver;
  policyTitle: string;
  onDecided: () => void;
}) {
  const { waiver } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  return (
    <DecisionActions
      id={`waiver-${waiver.id}`}
      noun="waiver"
      subject="the waiver"
      decisions={DECISIONS[waiver.status] ?? []}
      decide={(decision, comment) =>
        dataMeshApi.decideWaiver(waiver.id, decision, comment)
      }
      onDecided={props.onDecided}
      summary={
        <>
          <Typography variant="body2" gutterBottom>
            <strong>{props.policyTitle}</strong> for{' '}
            <EntityRefLink
              entityRef={waiver.entityRef}
              defaultKind="DataProduct"
            />
            , until {formatDate(waiver.expiresAt)}
          </Typography>
          <Typography variant="body2" color="textSecondary" gutterBottom>
            {waiver.reason}
          </Typography>
        </>
      }
    />
  );
}
