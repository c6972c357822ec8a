import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Waiver, WaiverStatus } from '@datamesh-portal/plugin-data-mesh-common';
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
import { dataMeshApiRef, WaiverDecision } from '../../api';
import { errorMessage, formatDate } from '../shared';

/** What can still be decided about a waiver in each status. */
const DECISIONS: Partial<Record<WaiverStatus, WaiverDecision[]>> = {
  pending: ['approve', 'reject'],
  approved: ['revoke'],
};

const LABELS: Record<WaiverDecision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  revoke: 'Revoke',
};

/** Whether a governance admin can still decide something about the waiver. */
export function isDecidable(waiver: Waiver): boolean {
  return (DECISIONS[waiver.status] ?? []).length > 0;
}

function WaiverDecisionDialog(props: {
  waiver: Waiver;
  policyTitle: string;
  decision: WaiverDecision;
  onClose: () => void;
  onDecided: () => void;
}) {
  const { waiver, decision } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  const [comment, setComment] = useState('');
  const [state, decide] = useAsyncFn(async () => {
    await dataMeshApi.decideWaiver(
      waiver.id,
      decision,
      comment.trim() || undefined,
    );
    props.onDecided();
  }, [dataMeshApi, waiver.id, decision, comment, props.onDecided]);
  const titleId = `waiver-decision-${waiver.id}`;

  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>{LABELS[decision]} waiver</DialogTitle>
      <DialogContent>
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
        <TextField
          id={`${titleId}-comment`}
          label="Comment (optional)"
          value={comment}
          onChange={event => setComment(event.target.value)}
          multiline
          minRows={2}
          fullWidth
          margin="normal"
        />
        {state.error && (
          <Alert severity="error">
            Could not {decision} the waiver: {errorMessage(state.error)}
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
 * The buttons a governance admin has for a waiver: Approve and Reject while it is pending,
 * Revoke once approved. Each asks for an optional comment before it decides.
 */
export function WaiverDecisionActions(props: {
  waiver: Waiver;
  policyTitle: string;
  onDecided: () => void;
}) {
  const [decision, setDecision] = useState<WaiverDecision>();
  const decisions = DECISIONS[props.waiver.status] ?? [];
  if (decisions.length === 0) return null;
  return (
    <>
      <Box display="flex" gridGap={8}>
        {decisions.map(option => (
          <Button
            key={option}
            size="small"
            variant="outlined"
            color={option === 'approve' ? 'primary' : 'default'}
            onClick={() => setDecision(option)}
          >
            {LABELS[option]}
          </Button>
        ))}
      </Box>
      {decision && (
        <WaiverDecisionDialog
          waiver={props.waiver}
          policyTitle={props.policyTitle}
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
