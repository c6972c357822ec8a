import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/** The colours of the usual scorecard levels; other levels are neutral. */
const LEVEL_COLOURS: Record<string, { background: string; text: string }> = {
  bronze: { background: '#cd7f32', text: '#1a1a1a' },
  silver: { background: '#c0c0c0', text: '#1a1a1a' },
  gold: { background: '#ffd700', text: '#1a1a1a' },
};

/** The background colour of a level, or undefined for unknown levels and for none. */
export function levelColour(level: string | null | undefined) {
  return level
    ? LEVEL_COLOURS[level.toLocaleLowerCase('en-US')]?.background
    : undefined;
}

const useStyles = makeStyles(theme => ({
  neutral: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
  ...Object.fromEntries(
    Object.entries(LEVEL_COLOURS).map(([level, colours]) => [
      level,
      { backgroundColor: colours.background, color: colours.text },
    ]),
  ),
}));

/**
 * A scorecard level as a chip: bronze, silver and gold in their colours, any other level and
 * "No level" (below the first level) in grey.
 */
export function LevelChip(props: { level: string | null | undefined }) {
  const classes = useStyles() as Record<string, string>;
  const known = props.level
    ? props.level.toLocaleLowerCase('en-US')
    : undefined;
  const tone = known && LEVEL_COLOURS[known] ? known : 'neutral';
  return (
    <Chip
      size="small"
      label={props.level ?? 'No level'}
      className={classes[tone]}
      data-level-tone={tone}
      style={{ textTransform: 'capitalize', margin: 0 }}
    />
  );
}
