import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';

type Tone = 'info' | 'neutral' | 'success' | 'warning' | 'error';

/** Lifecycle states of data products and data contracts, by colour. */
const STATUS_TONES: Record<string, Tone> = {
  proposed: 'info',
  draft: 'neutral',
  active: 'success',
  deprecated: 'warning',
  retired: 'error',
};

function tone(theme: Theme, palette: Tone) {
  if (palette === 'neutral') {
    return {
      backgroundColor: theme.palette.grey[300],
      color: theme.palette.getContrastText(theme.palette.grey[300]),
    };
  }
  return {
    backgroundColor: theme.palette[palette].main,
    color: theme.palette[palette].contrastText,
  };
}

const useStyles = makeStyles(theme => ({
  info: tone(theme, 'info'),
  neutral: tone(theme, 'neutral'),
  success: tone(theme, 'success'),
  warning: tone(theme, 'warning'),
  error: tone(theme, 'error'),
}));

/**
 * The lifecycle status of a data product or contract as a chip coloured by status: proposed
 * blue, draft grey, active green, deprecated orange, retired red. Unknown values are grey.
 */
export function StatusChip(props: { status?: string }) {
  const classes = useStyles();
  if (!props.status) return null;
  const palette = STATUS_TONES[props.status.toLocaleLowerCase('en-US')];
  return (
    <Chip
      size="small"
      label={props.status}
      className={classes[palette ?? 'neutral']}
      data-status-tone={palette ?? 'neutral'}
    />
  );
}
