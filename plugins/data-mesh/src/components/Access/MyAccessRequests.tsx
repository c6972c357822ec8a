import { Content, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../shared';
import { AccessRequestTable } from './AccessRequestTable';
import {
  listAwaitingAccessRequests,
  newestFirst,
} from './awaitingAccessRequests';
import { useMyConsumers } from './useMyConsumers';

/**
 * The user's access requests: those of their teams (and what their teams own) as consumers,
 * and those awaiting their decision, on products their teams own.
 * @public
 */
export function MyAccessRequests() {
  const dataMeshApi = useApi(dataMeshApiRef);
  const catalogApi = useApi(catalogApiRef);
  const consumers = useMyConsumers();
  const requests = useAsyncRetry(async () => {
    if (!consumers.value) return undefined;
    const groupRefs = consumers.value
      .filter(c => c.kind === 'Group')
      .map(c => c.ref);
    const [ours, awaiting] = await Promise.all([
      Promise.all(
        consumers.value.map(c =>
          dataMeshApi.listAccessRequests({ consumerRef: c.ref, limit: 100 }),
        ),
      ),
      listAwaitingAccessRequests(catalogApi, dataMeshApi, groupRefs),
    ]);
    return {
      ours: newestFirst(ours.flatMap(page => page.items)),
      awaiting,
    };
  }, [dataMeshApi, catalogApi, consumers.value]);

  const error = consumers.error ?? requests.error;
  if (error) {
    return (
      <Alert severity="error">
        Could not load your access requests: {errorMessage(error)}
      </Alert>
    );
  }
  if (!requests.value) return <Progress />;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Awaiting your decision"
          subheader="Requests for products your teams own"
        >
          <AccessRequestTable
            label="Awaiting your decision"
            requests={requests.value.awaiting}
            columns={['product', 'port', 'consumer', 'purpose', 'terms']}
            emptyText="Nothing awaits your decision."
            onDecided={requests.retry}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Your teams' requests"
          subheader="Access your teams, and what they own, asked for"
        >
          <AccessRequestTable
            label="Your teams' requests"
            requests={requests.value.ours}
            columns={[
              'product',
              'port',
              'consumer',
              'state',
              'purpose',
              'lastChange',
            ]}
            emptyText="Your teams have not requested access to any data product yet."
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** "My access" as a tab's content. @public */
export function MyAccessRequestsContent() {
  return (
    <Content>
      <MyAccessRequests />
    </Content>
  );
}
