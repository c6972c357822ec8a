import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** Rows per page; shorter tables are not paged. */
const PAGE_SIZE = 20;
/** From this many rows a table gets a search box. */
const SEARCH_FROM = 10;

/**
 * A compact sortable table for lists that can grow to dozens of rows: a search box from ten
 * rows, pages of twenty beyond twenty rows; a line of text when there are none. It is a
 * region labelled `label`.
 */
export function DenseTable<T extends object>(props: {
  label: string;
  columns: TableColumn<T>[];
  data: T[];
  emptyText: string;
}) {
  if (props.data.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {props.emptyText}
      </Typography>
    );
  }
  const searchable = props.data.length >= SEARCH_FROM;
  const paged = props.data.length > PAGE_SIZE;
  return (
    <div role="region" aria-label={props.label}>
      <Table<T>
        columns={props.columns}
        // The table writes its state into the rows it is given: give it copies.
        data={props.data.map(row => ({ ...row }))}
        options={{
          toolbar: searchable,
          search: searchable,
          showTitle: false,
          paging: paged,
          pageSize: PAGE_SIZE,
          pageSizeOptions: [PAGE_SIZE, 50, 100],
          emptyRowsWhenPaging: false,
          padding: 'dense',
        }}
        style={{ boxShadow: 'none' }}
      />
    </div>
  );
}
