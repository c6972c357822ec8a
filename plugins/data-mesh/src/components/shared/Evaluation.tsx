import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { formatDateTime, formatRelativeTime } from './format';

/** "evaluated 5 minutes ago", with the date and time on hover. */
export function EvaluatedAt(props: { timestamp: string }) {
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      title={formatDateTime(props.timestamp)}
    >
      evaluated {formatRelativeTime(props.timestamp)}
    </Typography>
  );
}

/** What a card about a product's evaluation shows before the first one; then its actions. */
export function NotEvaluated(props: { children?: ReactNode }) {
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="flex-start"
      gridGap={8}
    >
      <Typography variant="body1">Not evaluated yet</Typography>
      <Typography variant="body2" color="textSecondary">
        Data products are evaluated on a schedule and whenever their entity or
        facts change.
      </Typography>
      {props.children}
    </Box>
  );
}
