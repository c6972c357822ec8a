import { WarningPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DATA_PRODUCT_REF_DEFAULT_KINDS,
  OdcsContract,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { parseEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import { useMemo } from 'react';

import {
  OdcsHeader,
  OdcsQuality,
  OdcsSchema,
  OdcsServers,
  OdcsSla,
} from './OdcsSections';

function parse(
  definition: unknown,
): { contract: OdcsContract } | { error: Error } {
  try {
    if (typeof definition !== 'string') {
      throw new Error('The API entity has no contract definition.');
    }
    return { contract: readOdcsContract(definition) };
  } catch (error) {
    return {
      error: error instanceof Error ? error : new Error(String(error)),
    };
  }
}

/** The contract's data product as a link, or as text when it is not an entity ref. */
function dataProductRef(dataProduct: unknown, namespace = 'default') {
  if (typeof dataProduct !== 'string' || !dataProduct) return undefined;
  try {
    const ref = parseEntityRef(dataProduct, {
      defaultKind: DATA_PRODUCT_REF_DEFAULT_KINDS.dataProduct,
      defaultNamespace: namespace,
    });
    return <EntityRefLink entityRef={ref} />;
  } catch {
    return dataProduct;
  }
}

/**
 * An ODCS v3 data contract, read from its YAML text: header, schema objects, quality rules,
 * service levels and servers. A definition that cannot be read shows as an error panel.
 * @public
 */
export function OdcsContractView(props: {
  definition: unknown;
  /** Namespace in which the contract's `dataProduct` is looked up; default `default`. */
  namespace?: string;
}) {
  const result = useMemo(() => parse(props.definition), [props.definition]);
  if ('error' in result) {
    return (
      <WarningPanel
        severity="error"
        title="Could not read the data contract"
        message={result.error.message}
        defaultExpanded
      />
    );
  }
  const { contract } = result;
  const dataProduct = dataProductRef(contract.dataProduct, props.namespace);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OdcsHeader contract={contract} dataProduct={dataProduct} />
      </Grid>
      <Grid item xs={12}>
        <OdcsSchema contract={contract} />
      </Grid>
      <Grid item xs={12}>
        <OdcsQuality contract={contract} />
      </Grid>
      <Grid item xs={12}>
        <OdcsSla contract={contract} />
      </Grid>
      <Grid item xs={12}>
        <OdcsServers contract={contract} />
      </Grid>
    </Grid>
  );
}
