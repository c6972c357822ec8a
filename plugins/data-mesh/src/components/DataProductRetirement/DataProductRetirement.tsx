import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DataMeshApiClient } from '@datamesh-portal/plugin-data-mesh-common';
import { Entity } from '@backstage/catalog-model';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';

/** "a, b and c" */
function inWords(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items.join('');
}

/**
 * What retirement did to a data product past its sunset: its agreements revoked and its
 * tables dropped or kept (`dataMesh.provisioning.retiredObjects`), as a notice for the
 * product's page. Renders nothing for a product not retired yet (or when the backend cannot
 * say). {@link EntityDataProductRetirement} takes the entity page's.
 * @public
 */
export function DataProductRetirement(props: { entity: Entity }) {
  const { entity } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const client = useMemo(
    () => new DataMeshApiClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
  const { namespace = 'default', name } = entity.metadata;
  const { value } = useAsync(
    () =>
      client.getProductRetirement({
        path: { kind: entity.kind.toLocaleLowerCase('en-US'), namespace, name },
      }),
    [client, entity.kind, namespace, name],
  );
  const retirement = value?.retirement;
  if (!retirement) return null;
  const tables = retirement.tables.length ? inWords(retirement.tables) : 'none';
  return (
    <Alert severity="warning" role="status" aria-label="Retirement">
      <AlertTitle>
        Retired: its sunset, {retirement.sunset}, has passed
      </AlertTitle>
      {retirement.objects === 'dropped'
        ? `Its tables were dropped: ${tables}.`
        : `Its tables were kept: ${tables}.`}{' '}
      {retirement.agreementsRevoked === 1
        ? '1 usage agreement was revoked.'
        : `${retirement.agreementsRevoked} usage agreements were revoked.`}
      {retirement.problems.length > 0 &&
        ` Not done yet: ${retirement.problems.join('; ')}.`}
    </Alert>
  );
}

/**
 * {@link DataProductRetirement} of the entity page's entity.
 * @public
 */
export function EntityDataProductRetirement() {
  const { entity } = useEntity();
  return <DataProductRetirement entity={entity} />;
}
