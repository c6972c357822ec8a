import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/** A description list laid out as a grid of label and value pairs. */
export function FieldList(props: { children: ReactNode }) {
  return (
    <Grid container spacing={2} component="dl" style={{ margin: 0 }}>
      {props.children}
    </Grid>
  );
}

/** One `dt`/`dd` pair of a {@link FieldList}; an empty value shows as a dash. */
export function Field(props: {
  label: string;
  wide?: boolean;
  children?: ReactNode;
}) {
  const empty =
    props.children === undefined ||
    props.children === null ||
    props.children === '';
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
        {empty ? '—' : props.children}
      </Typography>
    </Grid>
  );
}
