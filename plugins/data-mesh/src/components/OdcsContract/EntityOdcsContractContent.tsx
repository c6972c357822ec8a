import { ApiEntity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { OdcsContractView } from './OdcsContractView';

/**
 * The ODCS data contract of an API entity with `spec.type: odcs`, for its "Contract" tab.
 * @public
 */
export function EntityOdcsContractContent() {
  const { entity } = useEntity<ApiEntity>();
  return (
    <OdcsContractView
      definition={entity.spec?.definition}
      namespace={entity.metadata.namespace}
    />
  );
}
