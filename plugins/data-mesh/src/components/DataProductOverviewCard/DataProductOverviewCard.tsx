import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

function Field(props: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <Grid
      item
      xs={12}
      sm={props.wide ? 12 : 6}
      lg={props.wide ? 12 : 4}
      component="div"
    >
      <Typography
        component="dt"
        variant="overline"
        color="textSecondary"
        style={{ lineHeight: 1.5, fontWeight: 'bold' }}
      >
        {props.label}
      </Typography>
      <Typography component="dd" variant="body2" style={{ margin: 0 }}>
        {props.children ?? '—'}
      </Typography>
    </Grid>
  );
}

function yesNo(value: boolean | undefined) {
  if (value === undefined) return undefined;
  return value ? 'Yes' : 'No';
}

/**
 * The headline facts of a data product: who owns it, where it lives, how far along it is and
 * how sensitive its data is.
 * @public
 */
export function DataProductOverviewCard() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const { spec } = entity;
  return (
    <InfoCard title="Data product">
      <Grid container spacing={2} component="dl" style={{ margin: 0 }}>
        <Field label="Domain">
          <EntityRefLink
            entityRef={parseDataMeshRef(spec.domain, 'domain', entity)}
          />
        </Field>
        <Field label="Owner">
          <EntityRefLink
            entityRef={parseDataMeshRef(spec.owner, 'owner', entity)}
          />
        </Field>
        <Field label="Status">
          <Chip size="small" label={spec.status} />
        </Field>
        <Field label="Type">{spec.type}</Field>
        <Field label="Version">{spec.version}</Field>
        <Field label="Classification">{spec.classification}</Field>
        <Field label="Personal data">{yesNo(spec.personalData)}</Field>
        <Field label="Purpose" wide>
          {spec.purpose}
        </Field>
      </Grid>
    </InfoCard>
  );
}
