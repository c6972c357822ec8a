import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { AccessRequest } from '@datamesh-portal/plugin-data-mesh-common';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { errorMessage, formatDateTime, formatRelativeTime } from '../shared';

/** Who did something: a user as a link, `system` (automatic steps) as text. */
function Actor(props: { actorRef: string }) {
  return props.actorRef === 'system' ? (
    <>the portal</>
  ) : (
    <EntityRefLink entityRef={props.actorRef} defaultKind="User" />
  );
}

function Transitions(props: { id: string }) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.getAccessRequest(props.id),
    [dataMeshApi, props.id],
  );
  if (loading) return <Progress />;
  if (error) {
    return <Alert severity="error">{errorMessage(error)}</Alert>;
  }
  return (
    <ol aria-label="History" style={{ margin: '4px 0 0', paddingLeft: 20 }}>
      {value!.transitions.map((transition, index) => (
        <li key={index}>
          <Typography variant="caption" component="span">
            <span title={formatDateTime(transition.at)}>
              {formatDateTime(transition.at)}
            </span>
            : {transition.from ? `${transition.from} → ` : ''}
            <strong>{transition.to}</strong> by{' '}
            <Actor actorRef={transition.actor} />
            {transition.comment ? ` — ${transition.comment}` : ''}
          </Typography>
        </li>
      ))}
    </ol>
  );
}

/**
 * The agreement's last change (its state, by whom, when; why a grant failed), and its whole
 * history on demand, read from the backend when opened.
 */
export function AccessHistory(props: { request: AccessRequest }) {
  const { request } = props;
  const [open, setOpen] = useState(false);
  return (
    <>
      <Typography variant="body2" component="div">
        {request.state}{' '}
        <span title={formatDateTime(request.updatedAt)}>
          {formatRelativeTime(request.updatedAt)}
        </span>
        {request.decidedBy && request.state !== 'requested' && (
          <>
            {' '}
            (decided by <Actor actorRef={request.decidedBy} />)
          </>
        )}
      </Typography>
      {request.failureReason && (
        <Typography variant="caption" color="error" component="p">
          {request.failureReason}
        </Typography>
      )}
      <Link
        component="button"
        variant="caption"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide history' : 'History'}
      </Link>
      {open && <Transitions id={request.id} />}
    </>
  );
}
