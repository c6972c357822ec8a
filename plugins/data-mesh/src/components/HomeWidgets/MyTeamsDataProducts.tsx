import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@material-ui/lab/Alert';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import {
  errorMessage,
  LevelChip,
  SimpleTable,
  StatusChip,
  ToneChip,
} from '../shared';
import { useMyTeams } from './useMyTeams';

/** The most products of one's teams a home card lists; the explorer has the rest. */
const MAX_PRODUCTS = 100;

/**
 * The data products the user's teams own with their state: status, score, level and
 * compliance at their latest evaluation ("Not evaluated yet" before the first).
 * @public
 */
export function MyTeamsDataProducts() {
  const catalogApi = useApi(catalogApiRef);
  const dataMeshApi = useApi(dataMeshApiRef);
  const teams = useMyTeams();
  const products = useAsync(async () => {
    // Nothing until the teams are known, so the card does not flash "no team" meanwhile.
    if (!teams.value) return undefined;
    if (teams.value.length === 0) return [];
    const [owned, states] = await Promise.all([
      catalogApi.getEntities({
        filter: { kind: 'DataProduct', 'relations.ownedBy': teams.value },
        fields: ['kind', 'metadata', 'spec.status'],
        order: { field: 'metadata.title', order: 'asc' },
        limit: MAX_PRODUCTS,
      }),
      dataMeshApi.queryProducts({ owner: teams.value, limit: MAX_PRODUCTS }),
    ]);
    const byRef = new Map(states.items.map(item => [item.entityRef, item]));
    return owned.items.map(entity => {
      const ref = stringifyEntityRef(entity);
      return { ref, entity, state: byRef.get(ref) };
    });
  }, [catalogApi, dataMeshApi, teams.value]);

  const error = teams.error ?? products.error;
  if (error) {
    return (
      <Alert severity="error">
        Could not load your teams' data products: {errorMessage(error)}
      </Alert>
    );
  }
  if (products.loading || !products.value) {
    return <Progress />;
  }
  if (products.value.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {teams.value?.length
          ? 'Your teams own no data products yet. '
          : 'You are not a member of any team, so no data product is yours. '}
        <Link to="/data-mesh">Explore the mesh</Link> or{' '}
        <Link to="/create">create a data product</Link>.
      </Typography>
    );
  }
  return (
    <SimpleTable
      label="Your teams' data products"
      headers={['Data product', 'Status', 'Score', 'Level', 'Compliance']}
      nowrap={['Data product', 'Status', 'Score', 'Level', 'Compliance']}
      rows={products.value.map(({ ref, entity, state }) => ({
        key: ref,
        cells: [
          <EntityRefLink entityRef={entity} />,
          <StatusChip status={(entity.spec?.status as string) ?? undefined} />,
          state ? `${Math.round(state.score)} / 100` : '–',
          state ? <LevelChip level={state.level} /> : '–',
          state ? (
            <ToneChip
              tone={state.compliant ? 'success' : 'error'}
              variant="outlined"
              label={state.compliant ? 'Compliant' : 'Not compliant'}
            />
          ) : (
            <Typography variant="body2" color="textSecondary">
              Not evaluated yet
            </Typography>
          ),
        ],
      }))}
    />
  );
}
