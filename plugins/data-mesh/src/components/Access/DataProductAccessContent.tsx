import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DataProductEntityV1alpha1 } from '@datamesh-portal/plugin-data-mesh-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../shared';
import { AccessRequestTable } from './AccessRequestTable';
import { PortPreview } from './PortPreview';
import { RequestAccessButton } from './RequestAccessDialog';
import { useCanDecideAccess } from './useAccessPermissions';

/** One output port's preview, read only when asked for (it queries the data server). */
function PortPreviewCard(props: { productRef: string; port: string }) {
  const [shown, setShown] = useState(false);
  return (
    <InfoCard
      title={`Preview of port ${props.port}`}
      action={
        <Button size="small" onClick={() => setShown(!shown)}>
          {shown ? 'Hide' : 'Show preview'}
        </Button>
      }
    >
      {shown ? (
        <PortPreview productRef={props.productRef} port={props.port} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          The first rows of each table of the port's contract, for its owners
          and consumers with an active agreement.
        </Typography>
      )}
    </InfoCard>
  );
}

/**
 * The "Access" tab of a data product: its usage agreements (who reads which port, why, in
 * which state, with their history), Approve / Reject / Revoke for its owners, Request access
 * for everyone allowed, and a preview of each output port's data.
 * @public
 */
export function DataProductAccessContent() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const productRef = stringifyEntityRef(entity);
  const dataMeshApi = useApi(dataMeshApiRef);
  const canDecide = useCanDecideAccess(productRef);
  const agreements = useAsyncRetry(
    () => dataMeshApi.listAccessRequests({ productRef, limit: 100 }),
    [dataMeshApi, productRef],
  );
  const ports = entity.spec.outputPorts ?? [];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Usage agreements"
          subheader="Who reads which output port, for what, and in which state"
        >
          {agreements.loading && !agreements.value && <Progress />}
          {agreements.error && (
            <Alert severity="error">
              Could not load the agreements: {errorMessage(agreements.error)}
            </Alert>
          )}
          {agreements.value && (
            <AccessRequestTable
              label="Usage agreements"
              requests={agreements.value.items}
              columns={[
                'consumer',
                'port',
                'state',
                'purpose',
                'terms',
                'lastChange',
              ]}
              emptyText="No one has requested access to this product yet."
              onDecided={canDecide ? agreements.retry : undefined}
            />
          )}
          {ports.length > 0 && (
            <RequestAccessButton
              product={entity}
              onRequested={agreements.retry}
            />
          )}
        </InfoCard>
      </Grid>
      {ports.map(port => (
        <Grid item xs={12} key={port.name}>
          <PortPreviewCard productRef={productRef} port={port.name} />
        </Grid>
      ))}
    </Grid>
  );
}
