import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../shared';

/** A local date as `yyyy-mm-dd`, the value format of date inputs. */
function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

/** Tomorrow's local date as `yyyy-mm-dd`, the first day a waiver can expire on. */
function firstExpiryDate(now: Date): string {
  return dateInputValue(
    new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1),
  );
}

/** What is wrong with a waiver request's fields, by field; empty when it can be sent. */
export function validateWaiverRequest(
  fields: { reason: string; expiresOn: string },
  now: Date = new Date(),
): { reason?: string; expiresOn?: string } {
  const problems: { reason?: string; expiresOn?: string } = {};
  if (!fields.reason.trim()) {
    problems.reason = 'Say why the product cannot comply yet';
  }
  if (!fields.expiresOn) {
    problems.expiresOn = 'Choose when the waiver ends';
  } else if (fields.expiresOn < firstExpiryDate(now)) {
    // yyyy-mm-dd strings compare like the dates they stand for.
    problems.expiresOn = 'The waiver must end in the future';
  }
  return problems;
}

/**
 * A form to ask governance admins for a waiver of one policy for one product: a reason and
 * the day it ends, both required. The waiver ends at the start of that day, local time. Shows
 * the backend's refusal (e.g. too long, or one already pending) and stays open on failure.
 */
export function RequestWaiverDialog(props: {
  entityRef: string;
  policy: { id: string; title: string };
  onClose: () => void;
  onRequested: () => void;
}) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const [reason, setReason] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const problems = validateWaiverRequest({ reason, expiresOn });
  const [state, request] = useAsyncFn(async () => {
    await dataMeshApi.requestWaiver({
      entityRef: props.entityRef,
      policyId: props.policy.id,
      reason: reason.trim(),
      expiresAt: new Date(`${expiresOn}T00:00:00`).toISOString(),
    });
    props.onRequested();
  }, [dataMeshApi, props.entityRef, props.policy.id, reason, expiresOn]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!problems.reason && !problems.expiresOn) request();
  };
  const shown = submitted ? problems : {};

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="request-waiver-title"
      fullWidth
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id="request-waiver-title">Request a waiver</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Ask the governance admins for an exception to “{props.policy.title}”
            for this product. Once approved, and until it ends, the policy no
            longer makes the product non-compliant.
          </DialogContentText>
          <TextField
            id="waiver-reason"
            label="Reason"
            value={reason}
            onChange={event => setReason(event.target.value)}
            required
            multiline
            minRows={3}
            fullWidth
            margin="normal"
            error={Boolean(shown.reason)}
            helperText={
              shown.reason ??
              'Why the product cannot comply yet, and what will change'
            }
          />
          <TextField
            id="waiver-ends-on"
            label="Ends on"
            type="date"
            value={expiresOn}
            onChange={event => setExpiresOn(event.target.value)}
            required
            margin="normal"
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: firstExpiryDate(new Date()) }}
            error={Boolean(shown.expiresOn)}
            helperText={shown.expiresOn}
          />
          {state.error && (
            <Alert severity="error">
              Could not request the waiver: {errorMessage(state.error)}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={state.loading}
          >
            Request waiver
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
