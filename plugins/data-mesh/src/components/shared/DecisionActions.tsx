import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { errorMessage } from './errors';

/** A decision on a request that waits for one: a waiver, an access request. */
export type Decision = 'approve' | 'reject' | 'revoke';

const LABELS: Record<Decision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  revoke: 'Revoke',
};

interface DecisionProps {
  /** Names the dialog's elements. */
  id: string;
  /** What is decided on, after the verb in the dialog's title: "Approve waiver". */
  noun: string;
  /** The same in the refusal: "Could not approve the waiver: ...". */
  subject: string;
  /** What the decider reads before deciding. */
  summary: ReactNode;
  commentHelp?: string;
  decide: (decision: Decision, comment?: string) => Promise<unknown>;
  onDecided: () => void;
}

function DecisionDialog(
  props: DecisionProps & { decision: Decision; onClose: () => void },
) {
  const { decision, decide, onDecided } = props;
  const [comment, setComment] = useState('');
  const [state, run] = useAsyncFn(async () => {
    await decide(decision, comment.trim() || undefined);
    onDecided();
  }, [decide, decision, comment, onDecided]);
  const titleId = `${props.id}-decision`;

  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>
        {LABELS[decision]} {props.noun}
      </DialogTitle>
      <DialogContent>
        {props.summary}
        <TextField
          id={`${titleId}-comment`}
          label="Comment (optional)"
          helperText={props.commentHelp}
          value={comment}
          onChange={event => setComment(event.target.value)}
          multiline
          minRows={2}
          fullWidth
          margin="normal"
        />
        {state.error && (
          <Alert severity="error">
            Could not {decision} {props.subject}: {errorMessage(state.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={state.loading}
          onClick={() => run()}
        >
          {LABELS[decision]}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * A decider's buttons, one per decision still open; each asks for an optional comment in a
 * dialog before it decides, and keeps the refusal in the dialog.
 */
export function DecisionActions(
  props: DecisionProps & { decisions: Decision[]; stacked?: boolean },
) {
  const [decision, setDecision] = useState<Decision>();
  if (props.decisions.length === 0) return null;
  return (
    <>
      <Box
        display="flex"
        flexDirection={props.stacked ? 'column' : 'row'}
        gridGap={8}
      >
        {props.decisions.map(option => (
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
        <DecisionDialog
          {...props}
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
