import { Link } from '@backstage/core-components';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  IndexableDocument,
  ResultHighlight,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import { DataProductSearchDocument } from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import { ReactNode } from 'react';
import { LevelChip, StatusChip, ToneChip } from '../shared';

/** Props of {@link DataProductSearchResultListItem}. @public */
export interface DataProductSearchResultListItemProps {
  icon?: ReactNode;
  result?: IndexableDocument;
  highlight?: ResultHighlight;
  rank?: number;
  /** Lines of the description shown; the rest is cut off. */
  lineClamp?: number;
}

/** `sales` for `domain:default/sales`; the namespace only where it is not the default. */
function shortRef(ref: string, defaultKind: string) {
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind });
  } catch {
    return ref;
  }
}

/**
 * A data product in the portal's search results (type `data-product`): its title and
 * description, with its domain, owner, status, level and compliance beside them.
 * @public
 */
export function DataProductSearchResultListItem(
  props: DataProductSearchResultListItemProps,
) {
  const result = props.result as DataProductSearchDocument | undefined;
  const { highlight } = props;
  if (!result) return null;
  const highlighted = (field: 'title' | 'text', fallback: string) =>
    highlight?.fields[field] ? (
      <HighlightedSearchResultText
        text={highlight.fields[field]}
        preTag={highlight.preTag}
        postTag={highlight.postTag}
      />
    ) : (
      fallback
    );
  return (
    <Box display="flex" width="100%">
      {props.icon && <ListItemIcon>{props.icon}</ListItemIcon>}
      <Box flexGrow={1}>
        <ListItemText
          primaryTypographyProps={{ variant: 'h6' }}
          primary={
            <Link noTrack to={result.location}>
              {highlighted('title', result.title)}
            </Link>
          }
          secondary={
            <Typography
              component="span"
              variant="body2"
              color="textSecondary"
              style={{
                display: '-webkit-box',
                WebkitBoxOrient: 'vertical',
                WebkitLineClamp: props.lineClamp ?? 3,
                overflow: 'hidden',
              }}
            >
              {highlighted('text', result.text)}
            </Typography>
          }
        />
        <Box display="flex" flexWrap="wrap" gridGap={8} mb={1}>
          <Chip size="small" label="Data product" />
          {result.domainRef && (
            <Chip
              size="small"
              label={`Domain: ${shortRef(result.domainRef, 'domain')}`}
            />
          )}
          {result.ownerRef && (
            <Chip
              size="small"
              label={`Owner: ${shortRef(result.ownerRef, 'group')}`}
            />
          )}
          {result.status && <StatusChip status={result.status} />}
          {result.score === null ? (
            <Chip size="small" variant="outlined" label="Not evaluated yet" />
          ) : (
            <>
              <LevelChip level={result.level} />
              <ToneChip
                tone={result.compliant ? 'success' : 'error'}
                variant="outlined"
                label={result.compliant ? 'Compliant' : 'Not compliant'}
              />
            </>
          )}
        </Box>
      </Box>
    </Box>
  );
}
