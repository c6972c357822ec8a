import Chip, { ChipProps } from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';

/** The colours of the chips of the plugin, by meaning. */
export type Tone = 'info' | 'neutral' | 'success' | 'warning' | 'error';

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

function outlinedTone(theme: Theme, palette: Tone) {
  const colour =
    palette === 'neutral'
      ? theme.palette.text.secondary
      : theme.palette[palette].main;
  return { color: colour, borderColor: colour, backgroundColor: 'transparent' };
}

const TONES: Tone[] = ['info', 'neutral', 'success', 'warning', 'error'];

const useStyles = makeStyles(theme => ({
  ...Object.fromEntries(TONES.map(t => [t, tone(theme, t)])),
  ...Object.fromEntries(
    TONES.map(t => [`${t}Outlined`, outlinedTone(theme, t)]),
  ),
}));

/**
 * A small chip in the colour of a {@link Tone}: filled, or outlined in that colour for facts
 * that should not draw the eye as much. Other chip props pass through.
 */
export function ToneChip(props: { tone: Tone; label: string } & ChipProps) {
  const { tone: palette, ...chipProps } = props;
  const classes = useStyles() as Record<string, string>;
  return (
    <Chip
      size="small"
      className={
        classes[
          chipProps.variant === 'outlined' ? `${palette}Outlined` : palette
        ]
      }
      data-tone={palette}
      {...chipProps}
    />
  );
}

/**
 * The lifecycle status of a data product or contract as a chip coloured by status: proposed
 * blue, draft grey, active green, deprecated orange, retired red. Unknown values are grey.
 */
export function StatusChip(props: { status?: string }) {
  if (!props.status) return null;
  const palette =
    STATUS_TONES[props.status.toLocaleLowerCase('en-US')] ?? 'neutral';
  return (
    <ToneChip tone={palette} label={props.status} data-status-tone={palette} />
  );
}
