import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  entityRefKey,
  isDataProductEntity,
  parseDataMeshRef,
  productRelatedRefs,
} from '@datamesh-portal/plugin-data-mesh-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useLocation } from 'react-router-dom';
import { ContractChanges } from './ContractChanges';

/**
 * The contracts a product provides: its `providesApi` relations (the catalog resolves ODCS
 * ids too), else the contracts its output ports name.
 */
function contractsOf(entity: Entity): string[] {
  let refs = productRelatedRefs(entity).contracts;
  if (refs.length === 0 && isDataProductEntity(entity)) {
    refs = (entity.spec.outputPorts ?? []).flatMap(port => {
      try {
        return port.contract
          ? [entityRefKey(parseDataMeshRef(port.contract, 'contract', entity))]
          : [];
      } catch {
        return [];
      }
    });
  }
  return [...new Set(refs)].sort();
}

/** The changes of the contracts of the entity page's product. */
function PageProductChanges() {
  const { entity } = useEntity();
  return <ProductContractChanges entity={entity} />;
}

/**
 * The "Changes" tab of a data product: for each contract it provides, the versions the portal
 * has seen and the changes between them with their severity for consumers. The link of a
 * breaking-change notification (`?contract=<ref>&from=<hash>&to=<hash>`) opens that diff.
 * Takes the product from `entity`, else from the entity page.
 * @public
 */
export function ContractChangesContent(props: { entity?: Entity }) {
  return props.entity ? (
    <ProductContractChanges entity={props.entity} />
  ) : (
    <PageProductChanges />
  );
}

function ProductContractChanges(props: { entity: Entity }) {
  const { entity } = props;
  const query = new URLSearchParams(useLocation().search);
  const wanted = query.get('contract');
  const contracts = contractsOf(entity);
  if (contracts.length === 0) {
    return (
      <InfoCard title="Contract changes">
        <Typography variant="body2">
          {stringifyEntityRef(entity)} provides no data contract: its output
          ports name none.
        </Typography>
      </InfoCard>
    );
  }
  const wantedKey = wanted ? entityRefKey(wanted) : undefined;
  return (
    <Grid container spacing={3}>
      {contracts.map(contractRef => (
        <Grid item xs={12} key={contractRef}>
          <ContractChanges
            contractRef={contractRef}
            initial={
              wantedKey === contractRef
                ? {
                    from: query.get('from') ?? undefined,
                    to: query.get('to') ?? undefined,
                  }
                : undefined
            }
          />
        </Grid>
      ))}
    </Grid>
  );
}
