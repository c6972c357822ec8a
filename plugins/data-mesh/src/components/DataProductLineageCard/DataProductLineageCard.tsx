import {
  Entity,
  getCompoundEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
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
import { useLineageRefs } from './useLineageRefs';

const LINEAGE_RELATIONS = [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF];
// Edges point the way data flows: from the upstream product to the one that reads it.
const LINEAGE_RELATION_PAIRS: [string, string][] = [
  [RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON],
];
const LINEAGE_KINDS = ['dataproduct'];

const useStyles = makeStyles({ graph: { height: 360, minHeight: 0 } });

const LINEAGE_DEPTH = 2;

function LineageGraph() {
  const classes = useStyles();
  const { entity } = useEntity();
  const lineage = useLineageRefs(entity, LINEAGE_DEPTH);
  const onLineage = useCallback(
    (e: Entity) => Boolean(lineage.value?.has(stringifyEntityRef(e))),
    [lineage.value],
  );
  const rootEntityNames = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const entityLink = useEntityRefLink();
  const navigate = useNavigate();
  const onNodeClick = useCallback(
    (node: EntityNode) => navigate(entityLink(node.id)),
    [entityLink, navigate],
  );
  if (lineage.loading) return <Progress />;
  if (lineage.error) {
    return <ResponseErrorPanel error={lineage.error} />;
  }
  return (
    <EntityRelationsGraph
      rootEntityNames={rootEntityNames}
      relations={LINEAGE_RELATIONS}
      relationPairs={LINEAGE_RELATION_PAIRS}
      kinds={LINEAGE_KINDS}
      maxDepth={LINEAGE_DEPTH}
      entityFilter={onLineage}
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
