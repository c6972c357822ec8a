import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** Warns that a deprecated product goes away, when, and what replaces it. */
export function DeprecationBanner(props: {
  product: DataProductEntityV1alpha1;
}) {
  const { product } = props;
  const { sunset, replacedBy } = product.spec.deprecation ?? {};
  return (
    <Alert severity="warning" style={{ marginBottom: 16 }}>
      <AlertTitle>This data product is deprecated</AlertTitle>
      {sunset ? `It will be retired on ${sunset}. ` : 'No sunset date is set. '}
      {replacedBy && (
        <>
          Use{' '}
          <EntityRefLink
            entityRef={parseDataMeshRef(replacedBy, 'replacedBy', product)}
          />{' '}
          instead.
        </>
      )}
    </Alert>
  );
}
