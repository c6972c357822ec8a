import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DATA_MESH_RELATIONS,
  DataProductEntityV1alpha1,
  entityRefKey,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { StatusChip } from '../shared';

/** What is read of each consumer: enough for its name, kind, owner and what it consumes. */
const CONSUMER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.uid',
  'spec.owner',
  'spec.type',
  'spec.status',
  'relations',
];

/** One of the product's contracts a consumer uses: the API, and the ports serving it. */
interface Use {
  apiRef: string;
  ports: string[];
}

interface Row {
  id: string;
  consumer: Entity;
  uses: Use[];
}

/** The product's contract APIs (lowercase refs), each with the names of its output ports. */
function contractsOf(product: Entity): Map<string, string[]> {
  const contracts = new Map<string, string[]>();
  for (const relation of product.relations ?? []) {
    if (relation.type === DATA_MESH_RELATIONS.providesApi) {
      contracts.set(entityRefKey(relation.targetRef), []);
    }
  }
  const ports = (product as DataProductEntityV1alpha1).spec?.outputPorts ?? [];
  for (const port of ports) {
    if (!port.contract) continue;
    let ref: string;
    try {
      ref = entityRefKey(
        stringifyEntityRef(
          parseEntityRef(port.contract, {
            defaultKind: 'api',
            defaultNamespace: product.metadata.namespace ?? 'default',
          }),
        ),
      );
    } catch {
      continue; // a malformed ref names nothing a consumer can use
    }
    contracts.get(ref)?.push(port.name);
  }
  return contracts;
}

/** The product's contracts the consumer uses (its `consumesApi` relations to them). */
function usesOf(consumer: Entity, contracts: Map<string, string[]>): Use[] {
  const refs = new Set(
    (consumer.relations ?? [])
      .filter(r => r.type === DATA_MESH_RELATIONS.consumesApi)
      .map(r => entityRefKey(r.targetRef))
      .filter(ref => contracts.has(ref)),
  );
  return [...refs]
    .sort()
    .map(apiRef => ({ apiRef, ports: contracts.get(apiRef) ?? [] }));
}

const kindOf = (consumer: Entity) =>
  consumer.kind === 'DataProduct' ? 'Data product' : consumer.kind;

function renderUses({ uses }: Row): ReactNode {
  if (uses.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        the product
      </Typography>
    );
  }
  return uses.map(({ apiRef, ports }) => (
    <div key={apiRef}>
      {ports.length > 0 && (
        <Typography variant="body2" component="span">
          {`${ports.join(', ')}: `}
        </Typography>
      )}
      <EntityRefLink entityRef={apiRef} defaultKind="api" />
    </div>
  ));
}

const COLUMNS: TableColumn<Row>[] = [
  {
    title: 'Consumer',
    customSort: (a, b) =>
      (a.consumer.metadata.title ?? a.consumer.metadata.name).localeCompare(
        b.consumer.metadata.title ?? b.consumer.metadata.name,
      ),
    render: ({ consumer }) => <EntityRefLink entityRef={consumer} />,
  },
  {
    title: 'Kind',
    customSort: (a, b) => kindOf(a.consumer).localeCompare(kindOf(b.consumer)),
    render: ({ consumer }) => {
      const type = consumer.spec?.type;
      return (
        <>
          <Typography variant="body2">
            {typeof type === 'string' && consumer.kind !== 'DataProduct'
              ? `${kindOf(consumer)} (${type})`
              : kindOf(consumer)}
          </Typography>
          {consumer.kind === 'DataProduct' && (
            <StatusChip status={consumer.spec?.status as string | undefined} />
          )}
        </>
      );
    },
  },
  {
    title: 'Owner',
    sorting: false,
    render: ({ consumer }) => {
      const owner = consumer.spec?.owner;
      if (typeof owner !== 'string' || !owner) return null;
      try {
        return (
          <EntityRefLink
            entityRef={parseDataMeshRef(owner, 'owner', consumer)}
          />
        );
      } catch {
        return owner;
      }
    },
  },
  { title: 'Uses', sorting: false, render: renderUses },
];

/**
 * Everything that reads from this product (its `dependencyOf` relations): data products through
 * their input ports, and the groups, users, components and systems with an active usage
 * agreement, each with the product's contracts (and ports) it uses.
 * @public
 */
export function DataProductConsumersCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const consumerRefs = [
    ...new Set(
      (entity.relations ?? [])
        .filter(r => r.type === DATA_MESH_RELATIONS.dependencyOf)
        .map(r => entityRefKey(r.targetRef)),
    ),
  ].sort();
  const { loading, value, error } = useAsync(async (): Promise<Row[]> => {
    if (consumerRefs.length === 0) return [];
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: consumerRefs,
      fields: CONSUMER_FIELDS,
    });
    const contracts = contractsOf(entity);
    return items
      .filter((item): item is Entity => Boolean(item))
      .map(consumer => ({
        id: stringifyEntityRef(consumer),
        consumer,
        uses: usesOf(consumer, contracts),
      }));
  }, [catalogApi, entity, consumerRefs.join(',')]);

  let content: ReactNode;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        Nothing consumes this data product yet
      </Typography>
    );
  } else {
    content = (
      <Table<Row>
        columns={COLUMNS}
        data={value}
        options={{
          toolbar: false,
          paging: false,
          search: false,
          padding: 'dense',
        }}
        style={{ boxShadow: 'none' }}
      />
    );
  }
  return <InfoCard title="Consumers">{content}</InfoCard>;
}
