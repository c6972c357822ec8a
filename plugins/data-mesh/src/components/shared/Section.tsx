import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { ReactNode } from 'react';

/** A titled part of a card: an overline `h3` heading over its content. */
export function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" mb={2}>
      <Typography
        variant="overline"
        component="h3"
        color="textSecondary"
        style={{ fontWeight: 'bold', lineHeight: 1.5 }}
      >
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/**
 * A faded part of a card, collapsed until opened, for what matters least (rules that do not
 * apply); its content is not rendered while collapsed.
 */
export function CollapsedSection(props: {
  summary: string;
  children: ReactNode;
}) {
  return (
    <Accordion
      elevation={0}
      variant="outlined"
      TransitionProps={{ unmountOnExit: true }}
      style={{ opacity: 0.7 }}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2" color="textSecondary">
          {props.summary}
        </Typography>
      </AccordionSummary>
      <AccordionDetails style={{ display: 'block' }}>
        {props.children}
      </AccordionDetails>
    </Accordion>
  );
}
