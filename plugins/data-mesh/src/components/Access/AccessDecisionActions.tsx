import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AccessRequest,
  AccessRequestState,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { AccessDecision, dataMeshApiRef } from '../../api';
import { DecisionActions } from '../shared';

/** What an owner can still decide in each state (as the backend allows). */
const DECISIONS: Partial<Record<AccessRequestState, AccessDecision[]>> = {
  requested: ['approve', 'reject'],
  approved: ['revoke'],
  active: ['revoke'],
  failed: ['revoke'],
};

/** Whether an owner can still decide something about the agreement. */
export function isDecidable(request: AccessRequest): boolean {
  return (DECISIONS[request.state] ?? []).length > 0;
}

/**
 * An owner's buttons for an agreement: Approve and Reject while requested, Revoke while
 * approved, active or failed. Each asks for an optional comment first.
 */
export function AccessDecisionActions(props: {
  request: AccessRequest;
  onDecided: () => void;
}) {
  const { request } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  return (
    <DecisionActions
      id={`access-${request.id}`}
      noun="access"
      subject="the access request"
      decisions={DECISIONS[request.state] ?? []}
      stacked
      decide={(decision, comment) =>
        dataMeshApi.decideAccessRequest(request.id, decision, comment)
      }
      onDecided={props.onDecided}
      commentHelp="Shown to the requester and kept in the agreement's history"
      summary={
        <>
          <Typography variant="body2" gutterBottom>
            <EntityRefLink
              entityRef={request.consumerRef}
              defaultKind="Group"
            />{' '}
            reading port <strong>{request.outputPort}</strong> of{' '}
            <EntityRefLink
              entityRef={request.productRef}
              defaultKind="DataProduct"
            />
          </Typography>
          <Typography variant="body2" color="textSecondary" gutterBottom>
            {request.purpose}
          </Typography>
        </>
      }
    />
  );
}
