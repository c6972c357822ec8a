import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { listAwaitingAccessRequests } from '../Access/awaitingAccessRequests';
import { useCanDecideWaivers } from '../Waivers/useWaiverPermissions';
import { errorMessage, formatRelativeTime } from '../shared';
import { useMyTeams } from './useMyTeams';

type Decision = {
  key: string;
  productRef: string;
  what: string;
  requestedAt: string;
};

/**
 * What waits for the user's decision: access requests on the products their teams own and,
 * for governance admins, the waivers requested. Each links to the product, where it is decided.
 * @public
 */
export function DecisionsAwaitingMe() {
  const catalogApi = useApi(catalogApiRef);
  const dataMeshApi = useApi(dataMeshApiRef);
  const teams = useMyTeams();
  const canDecideWaivers = useCanDecideWaivers();
  const decisions = useAsync(async () => {
    if (!teams.value) return undefined;
    const [access, waivers] = await Promise.all([
      listAwaitingAccessRequests(catalogApi, dataMeshApi, teams.value),
      canDecideWaivers
        ? dataMeshApi.listWaivers({ status: 'pending' })
        : { items: [] },
    ]);
    const items: Decision[] = [
      ...access.map(request => ({
        key: `access:${request.id}`,
        productRef: request.productRef,
        what: `Access to port ${request.outputPort} for ${request.consumerRef}`,
        requestedAt: request.requestedAt,
      })),
      ...waivers.items.map(waiver => ({
        key: `waiver:${waiver.id}`,
        productRef: waiver.entityRef,
        what: `Waiver of policy ${waiver.policyId}`,
        requestedAt: waiver.requestedAt,
      })),
    ];
    // Oldest first: what has waited longest comes first.
    return items.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }, [catalogApi, dataMeshApi, teams.value, canDecideWaivers]);

  const error = teams.error ?? decisions.error;
  if (error) {
    return (
      <Alert severity="error">
        Could not load what awaits your decision: {errorMessage(error)}
      </Alert>
    );
  }
  if (!decisions.value) return <Progress />;
  if (decisions.value.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing awaits your decision: no access request on your teams' products
        {canDecideWaivers ? ' and no waiver request' : ''}.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Decisions awaiting you" disablePadding>
      {decisions.value.map(decision => (
        <ListItem key={decision.key} disableGutters>
          <ListItemText
            primary={<EntityRefLink entityRef={decision.productRef} />}
            secondary={`${decision.what}, requested ${formatRelativeTime(
              decision.requestedAt,
            )}`}
          />
        </ListItem>
      ))}
    </List>
  );
}
