import {
  ApiEntity,
  parseEntityRef,
  RELATION_API_PROVIDED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { ContractTestsOfApi } from '../DataProductContractTests/ContractTestsOfApi';
import { OdcsContractView } from './OdcsContractView';

/** The data product providing the API (the catalog relates it through the product's ports). */
function providingProduct(entity: ApiEntity): string | undefined {
  return entity.relations?.find(
    relation =>
      relation.type === RELATION_API_PROVIDED_BY &&
      parseEntityRef(relation.targetRef).kind.toLocaleLowerCase('en-US') ===
        'dataproduct',
  )?.targetRef;
}

/**
 * The ODCS data contract of an API entity with `spec.type: odcs`, for its "Contract" tab: the
 * last test run of the contract on its data (when a data product provides it), then the
 * contract itself.
 * @public
 */
export function EntityOdcsContractContent() {
  const { entity } = useEntity<ApiEntity>();
  const productRef = providingProduct(entity);
  return (
    <>
      {productRef && (
        <Box mb={3}>
          <ContractTestsOfApi
            apiRef={stringifyEntityRef(entity)}
            productRef={productRef}
          />
        </Box>
      )}
      <OdcsContractView
        definition={entity.spec?.definition}
        namespace={entity.metadata.namespace}
      />
    </>
  );
}
