export { DataProductSearchResultListItem } from './DataProductSearchResultListItem';
export type { DataProductSearchResultListItemProps } from './DataProductSearchResultListItem';
