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
    <Grid item xs={12} sm={props.wide ? 12 : 6} lg={props.wide ? 12 : 4}>
      <Typography
        variant="h2"
        color="textSecondary"
        style={{
          fontSize: 10,
          fontWeight: 'bold',
          letterSpacing: 0.5,
          textTransform: 'uppercase',
        }}
      >
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children ?? '—'}
      </Typography>
    </Grid>
  );
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
      <Grid container spacing={2}>
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
        <Field label="Personal data">
          {spec.personalData === undefined
            ? undefined
            : spec.personalData
            ? 'Yes'
            : 'No'}
        </Field>
        <Field label="Purpose" wide>
          {spec.purpose}
        </Field>
      </Grid>
    </InfoCard>
  );
}
