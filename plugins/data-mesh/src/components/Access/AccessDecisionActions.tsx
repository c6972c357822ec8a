import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AccessRequest,
  AccessRequestState,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { AccessDecision, dataMeshApiRef } from '../../api';
import { errorMessage } from '../shared';

/** What an owner can still decide in each state (as the backend allows). */
const DECISIONS: Partial<Record<AccessRequestState, AccessDecision[]>> = {
  requested: ['approve', 'reject'],
  approved: ['revoke'],
  active: ['revoke'],
  failed: ['revoke'],
};

const LABELS: Record<AccessDecision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  revoke: 'Revoke',
};

/** Whether an owner can still decide something about the agreement. */
export function isDecidable(request: AccessRequest): boolean {
  return (DECISIONS[request.state] ?? []).length > 0;
}

function AccessDecisionDialog(props: {
  request: AccessRequest;
  decision: AccessDecision;
  onClose: () => void;
  onDecided: () => void;
}) {
  const { request, decision, onDecided } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  const [comment, setComment] = useState('');
  const [state, decide] = useAsyncFn(async () => {
    await dataMeshApi.decideAccessRequest(
      request.id,
      decision,
      comment.trim() || undefined,
    );
    onDecided();
  }, [dataMeshApi, request.id, decision, comment, onDecided]);
  const titleId = `access-decision-${request.id}`;

  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>{LABELS[decision]} access</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          <EntityRefLink entityRef={request.consumerRef} defaultKind="Group" />{' '}
          reading port <strong>{request.outputPort}</strong> of{' '}
          <EntityRefLink
            entityRef={request.productRef}
            defaultKind="DataProduct"
          />
        </Typography>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {request.purpose}
        </Typography>
        <TextField
          id={`${titleId}-comment`}
          label="Comment (optional)"
          helperText="Shown to the requester and kept in the agreement's history"
          value={comment}
          onChange={event => setComment(event.target.value)}
          multiline
          minRows={2}
          fullWidth
          margin="normal"
        />
        {state.error && (
          <Alert severity="error">
            Could not {decision}: {errorMessage(state.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={state.loading}
          onClick={() => decide()}
        >
          {LABELS[decision]}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * An owner's buttons for an agreement: Approve and Reject while requested, Revoke while
 * approved, active or failed. Each asks for an optional comment first.
 */
export function AccessDecisionActions(props: {
  request: AccessRequest;
  onDecided: () => void;
}) {
  const [decision, setDecision] = useState<AccessDecision>();
  const decisions = DECISIONS[props.request.state] ?? [];
  if (decisions.length === 0) return null;
  return (
    <>
      <Box display="flex" flexDirection="column" gridGap={8}>
        {decisions.map(option => (
          <Button
            key={option}
            size="small"
            variant="outlined"
            color={option === 'approve' ? 'primary' : 'default'}
            style={{ whiteSpace: 'nowrap' }}
            onClick={() => setDecision(option)}
          >
            {LABELS[option]}
          </Button>
        ))}
      </Box>
      {decision && (
        <AccessDecisionDialog
          request={props.request}
          decision={decision}
          onClose={() => setDecision(undefined)}
          onDecided={() => {
            setDecision(undefined);
            props.onDecided();
          }}
        />
      )}
    </>
  );
}
