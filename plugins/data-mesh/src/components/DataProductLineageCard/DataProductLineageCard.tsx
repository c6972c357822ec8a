import {
  getCompoundEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
} from '@backstage/catalog-model';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import {
  catalogGraphApiRef,
  Direction,
  EntityNode,
  EntityRelationsGraph,
} from '@backstage/plugin-catalog-graph';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useCallback, useMemo } from 'react';
import { useNavigate } from 'react-router-dom';

const LINEAGE_RELATIONS = [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF];
// Edges point the way data flows: from the upstream product to the one that reads it.
const LINEAGE_RELATION_PAIRS: [string, string][] = [
  [RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON],
];
const LINEAGE_KINDS = ['dataproduct'];

const useStyles = makeStyles({ graph: { height: 360, minHeight: 0 } });

function LineageGraph() {
  const classes = useStyles();
  const { entity } = useEntity();
  const rootEntityNames = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const entityLink = useEntityRefLink();
  const navigate = useNavigate();
  const onNodeClick = useCallback(
    (node: EntityNode) => navigate(entityLink(node.id)),
    [entityLink, navigate],
  );
  return (
    <EntityRelationsGraph
      rootEntityNames={rootEntityNames}
      relations={LINEAGE_RELATIONS}
      relationPairs={LINEAGE_RELATION_PAIRS}
      kinds={LINEAGE_KINDS}
      maxDepth={2}
      unidirectional
      mergeRelations
      direction={Direction.LEFT_RIGHT}
      onNodeClick={onNodeClick}
      zoom="enable-on-click"
      showArrowHeads
      allowFullscreen
      className={classes.graph}
    />
  );
}

/**
 * The lineage of a data product: the products it reads from on its left and the products that
 * read from it on its right, two levels each way. Needs the catalog graph plugin's API.
 * @public
 */
export function DataProductLineageCard() {
  const hasGraphApi = Boolean(useApiHolder().get(catalogGraphApiRef));
  return (
    <InfoCard title="Lineage">
      <Typography variant="body2" color="textSecondary" paragraph>
        Upstream products on the left, downstream products on the right. Click a
        product to open it.
      </Typography>
      {hasGraphApi ? (
        <LineageGraph />
      ) : (
        <WarningPanel
          title="Lineage is not available"
          message="The lineage graph needs the catalog graph plugin (@backstage/plugin-catalog-graph) in the app."
        />
      )}
    </InfoCard>
  );
}
