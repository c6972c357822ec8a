import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  DataProductEntityV1alpha1,
} from '@datamesh-portal/plugin-data-mesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../shared';
import { AccessStateChip } from './AccessStateChip';
import { useCanRequestAccess } from './useAccessPermissions';
import { useMyConsumers } from './useMyConsumers';

/** The backend's minimum, not counting spaces at the ends. */
export const MIN_PURPOSE = 20;

const FIELDS = [
  'outputPort',
  'consumerRef',
  'purpose',
  'contractVersion',
  'until',
] as const;
type Field = (typeof FIELDS)[number];

/**
 * The backend's refusal by field: its `error.problems`, else a message naming the field
 * (`purpose: must ...`); what names no field is the general message.
 */
export function problemsByField(error: Error): {
  fields: Partial<Record<Field, string>>;
  general?: string;
} {
  const body = error instanceof ResponseError ? error.body.error : undefined;
  const problems = (body as { problems?: unknown } | undefined)?.problems;
  const fields: Partial<Record<Field, string>> = {};
  if (Array.isArray(problems)) {
    const general: string[] = [];
    for (const problem of problems as { field?: string; message: string }[]) {
      const field = FIELDS.find(f => problem.field === f);
      if (field) fields[field] = problem.message;
      else general.push(problem.message);
    }
    return { fields, general: general.join('; ') || undefined };
  }
  const message = errorMessage(error);
  const field = FIELDS.find(f => message.startsWith(`${f}: `));
  if (field) return { fields: { [field]: message.slice(field.length + 2) } };
  return { fields, general: message };
}

function consumerHint(consumers: { error?: Error; value?: unknown[] }) {
  if (consumers.error) {
    return `Could not list your teams: ${errorMessage(consumers.error)}`;
  }
  if (consumers.value?.length === 0) {
    return 'You belong to no group: ask to join a team first';
  }
  return 'One of your teams, or a component or system it owns';
}

function purposeHint(purpose: string): string {
  const missing = MIN_PURPOSE - purpose.trim().length;
  return missing > 0
    ? `What the data is used for: ${missing} more character${
        missing === 1 ? '' : 's'
      } needed`
    : 'What the data is used for';
}

/**
 * A form to request read access to an output port of a product for a consumer the user
 * belongs to: the consumer (their groups and what those own), the purpose, the contract version
 * relied on and an optional end date. Shows the state the request got, or the backend's
 * problems next to their fields.
 */
export function RequestAccessDialog(props: {
  product: DataProductEntityV1alpha1;
  /** The port asked for; a choice of the product's output ports when absent. */
  port?: string;
  onClose: () => void;
  onRequested?: (request: AccessRequest) => void;
}) {
  const { product } = props;
  const ports = product.spec.outputPorts ?? [];
  const dataMeshApi = useApi(dataMeshApiRef);
  const consumers = useMyConsumers();
  const [outputPort, setOutputPort] = useState(props.port ?? ports[0]?.name);
  const port = ports.find(p => p.name === outputPort);
  const [consumerRef, setConsumerRef] = useState('');
  const [purpose, setPurpose] = useState('');
  const [contractVersion, setContractVersion] = useState(port?.version ?? '');
  const [until, setUntil] = useState('');
  const [state, request] = useAsyncFn(async () => {
    const created = await dataMeshApi.requestAccess({
      productRef: stringifyEntityRef(product),
      outputPort: outputPort ?? '',
      consumerRef,
      purpose: purpose.trim(),
      ...(contractVersion.trim()
        ? { contractVersion: contractVersion.trim() }
        : {}),
      ...(until ? { until: new Date(`${until}T00:00:00`).toISOString() } : {}),
    });
    props.onRequested?.(created);
    return created;
  }, [
    dataMeshApi,
    product,
    outputPort,
    consumerRef,
    purpose,
    contractVersion,
    until,
  ]);
  const refused = state.error ? problemsByField(state.error) : undefined;
  const fieldError = (field: Field) => refused?.fields[field];
  const ready = Boolean(consumerRef) && purpose.trim().length >= MIN_PURPOSE;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) request();
  };

  if (state.value) {
    return (
      <Dialog
        open
        onClose={props.onClose}
        aria-labelledby="request-access-title"
        fullWidth
      >
        <DialogTitle id="request-access-title">Access requested</DialogTitle>
        <DialogContent>
          <Alert severity="success">
            Requested access to port <strong>{state.value.outputPort}</strong>{' '}
            for {state.value.consumerRef}: now{' '}
            <AccessStateChip state={state.value.state} />.{' '}
            {state.value.state === 'requested'
              ? 'The product\u2019s owners have been notified and will decide.'
              : ''}
          </Alert>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} color="primary">
            Close
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="request-access-title"
      fullWidth
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id="request-access-title">Request access</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Ask the owners of {product.metadata.title ?? product.metadata.name}{' '}
            for read access under a usage agreement. They see who asks, for
            which consumer and why.
          </DialogContentText>
          {!props.port && (
            <TextField
              id="access-port"
              select
              label="Output port"
              value={outputPort ?? ''}
              onChange={event => {
                setOutputPort(event.target.value);
                setContractVersion(
                  ports.find(p => p.name === event.target.value)?.version ?? '',
                );
              }}
              fullWidth
              margin="normal"
              error={Boolean(fieldError('outputPort'))}
              helperText={fieldError('outputPort')}
            >
              {ports.map(p => (
                <MenuItem key={p.name} value={p.name}>
                  {p.name}
                </MenuItem>
              ))}
            </TextField>
          )}
          {props.port && (
            <DialogContentText>
              Output port: <strong>{props.port}</strong>
            </DialogContentText>
          )}
          <TextField
            id="access-consumer"
            select
            label="Consumer"
            value={consumerRef}
            onChange={event => setConsumerRef(event.target.value)}
            required
            fullWidth
            margin="normal"
            disabled={consumers.loading}
            error={Boolean(fieldError('consumerRef') || consumers.error)}
            helperText={fieldError('consumerRef') ?? consumerHint(consumers)}
          >
            {(consumers.value ?? []).map(consumer => (
              <MenuItem key={consumer.ref} value={consumer.ref}>
                {consumer.title} ({consumer.kind}, {consumer.ref})
              </MenuItem>
            ))}
          </TextField>
          <TextField
            id="access-purpose"
            label="Purpose"
            value={purpose}
            onChange={event => setPurpose(event.target.value)}
            required
            multiline
            minRows={3}
            fullWidth
            margin="normal"
            error={Boolean(fieldError('purpose'))}
            helperText={fieldError('purpose') ?? purposeHint(purpose)}
          />
          <TextField
            id="access-contract-version"
            label="Contract version"
            value={contractVersion}
            onChange={event => setContractVersion(event.target.value)}
            margin="normal"
            error={Boolean(fieldError('contractVersion'))}
            helperText={
              fieldError('contractVersion') ??
              'The version of the port\u2019s contract you rely on'
            }
          />{' '}
          <TextField
            id="access-until"
            label="Until (optional)"
            type="date"
            value={until}
            onChange={event => setUntil(event.target.value)}
            margin="normal"
            InputLabelProps={{ shrink: true }}
            error={Boolean(fieldError('until'))}
            helperText={
              fieldError('until') ?? 'Access ends at the start of that day'
            }
          />
          {refused?.general && (
            <Alert severity="error">
              Could not request access: {refused.general}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={!ready || state.loading}
          >
            Request access
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/**
 * "Request access" for those allowed (`data-mesh.access.request` on the product), opening a
 * {@link RequestAccessDialog} for one port or a choice of them.
 */
export function RequestAccessButton(props: {
  product: DataProductEntityV1alpha1;
  port?: string;
  onRequested?: () => void;
}) {
  const allowed = useCanRequestAccess(stringifyEntityRef(props.product));
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  return (
    <>
      <Button
        size="small"
        color="primary"
        variant={props.port ? 'text' : 'outlined'}
        onClick={() => setOpen(true)}
        aria-label={
          props.port ? `Request access to port ${props.port}` : undefined
        }
        style={props.port ? { whiteSpace: 'nowrap' } : { marginTop: 16 }}
      >
        Request access
      </Button>
      {open && (
        <RequestAccessDialog
          product={props.product}
          port={props.port}
          onClose={() => setOpen(false)}
          onRequested={() => props.onRequested?.()}
        />
      )}
    </>
  );
}
