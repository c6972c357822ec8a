import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef, PortPreviewResponse } from '../../api';
import { errorMessage, SimpleTable, ToneChip } from '../shared';

type PreviewTable = PortPreviewResponse['tables'][number];

const MASKED_WHY =
  'Classified restricted in the contract: its values are withheld from consumers reading under an agreement; owners see them.';

/** A value read from the data as it is: text, numbers and booleans as such. */
function cellText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function PreviewTableView(props: { table: PreviewTable }) {
  const { table } = props;
  const masked = new Set(table.masked);
  const headers = table.columns.map(column =>
    masked.has(column.name) ? `${column.name} (masked)` : column.name,
  );
  return (
    <Box mb={2}>
      <Typography variant="subtitle2" component="h4">
        {table.name}
        {table.physicalName && table.physicalName !== table.name && (
          <Typography variant="caption" color="textSecondary">
            {' '}
            ({table.physicalName})
          </Typography>
        )}
      </Typography>
      {table.error ? (
        <Alert severity="warning">
          Could not read this table: {table.error}
        </Alert>
      ) : (
        <>
          {masked.size > 0 && (
            <Box display="flex" gridGap={8} my={0.5} flexWrap="wrap">
              {table.masked.map(column => (
                <ToneChip
                  key={column}
                  tone="neutral"
                  variant="outlined"
                  label={`${column}: masked`}
                  title={MASKED_WHY}
                />
              ))}
            </Box>
          )}
          <Box style={{ overflowX: 'auto' }}>
            <SimpleTable
              label={`Preview of ${table.name}`}
              nowrap={headers}
              headers={headers}
              rows={table.rows.map((row, index) => ({
                key: String(index),
                cells: row.map(value =>
                  value === null ? (
                    <Typography variant="caption" color="textSecondary">
                      null
                    </Typography>
                  ) : (
                    cellText(value)
                  ),
                ),
              }))}
            />
          </Box>
          <Typography variant="caption" color="textSecondary">
            {table.rows.length} row{table.rows.length === 1 ? '' : 's'}
            {table.truncated ? ', more in the table' : ''}
          </Typography>
        </>
      )}
    </Box>
  );
}

/**
 * The first rows of each table of an output port, for its owners and for consumers with an
 * active agreement on it; anyone else is told to request access.
 */
export function PortPreview(props: { productRef: string; port: string }) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { value, loading, error } = useAsync(
    () => dataMeshApi.previewPort(props.productRef, props.port),
    [dataMeshApi, props.productRef, props.port],
  );
  if (loading) return <Progress />;
  if (error) {
    if (error instanceof ResponseError && error.statusCode === 403) {
      return (
        <Alert severity="info">
          You may not preview this port: only its owners and consumers with an
          active agreement on it can. Request access on the product's Ports
          card.
        </Alert>
      );
    }
    return (
      <Alert severity="error">
        Could not preview the port: {errorMessage(error)}
      </Alert>
    );
  }
  return (
    <>
      <Typography variant="caption" color="textSecondary" component="p">
        Read from server {value!.server}
        {value!.agreementId ? ' under your agreement' : ' as an owner'}
      </Typography>
      {value!.tables.map(table => (
        <PreviewTableView key={table.name} table={table} />
      ))}
    </>
  );
}
