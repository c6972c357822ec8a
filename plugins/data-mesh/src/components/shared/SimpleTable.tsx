import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ReactNode } from 'react';

/** A small read-only table: a header row and rows of cells. */
export function SimpleTable(props: {
  label: string;
  headers: string[];
  /** Headers of columns with short values (types, versions) that should never wrap. */
  nowrap?: string[];
  rows: { key: string; cells: ReactNode[] }[];
}) {
  const noWrap = (index: number) =>
    props.nowrap?.includes(props.headers[index])
      ? { whiteSpace: 'nowrap' as const }
      : undefined;
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.headers.map(header => (
            <TableCell key={header} style={{ whiteSpace: 'nowrap' }}>
              {header}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(row => (
          <TableRow key={row.key}>
            {row.cells.map((cell, index) => (
              <TableCell key={index} style={noWrap(index)}>
                {cell}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
