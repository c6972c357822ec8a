import { Progress } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import {
  DataMeshApiClient,
  DataProductFormValues,
  dataProductFromForm,
  missingDataProductFormFields,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage } from '../shared';
import { portContractsFromForm } from './portContracts';
import { OutputPortTablesFieldProps } from './schema';

/** How long the form must stay unchanged before the tables are planned again, in ms. */
const PLAN_DEBOUNCE_MS = 600;

/** The value for "create no tables". */
const NONE = '';

/**
 * A scaffolder field that chooses the data server a new product's tables are created on, among
 * those its domain may use (`GET /api/data-mesh/provisioning/servers`), and shows the DDL the
 * data mesh backend would run there for the form's table and view ports
 * (`POST /provisioning/plan`, nothing created), 600 ms after the form's last change. Its value,
 * `{ server, ddl }`, is what the review step shows and the template's
 * `data-mesh:provision-output-ports` step takes.
 * @public
 */
export function OutputPortTablesField(props: OutputPortTablesFieldProps) {
  const { schema, uiSchema, formContext, formData, onChange, idSchema } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const client = useMemo(
    () => new DataMeshApiClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
  const headingId = `${idSchema?.$id ?? 'output-port-tables'}-title`;
  const descriptorInput = uiSchema?.['ui:options']?.descriptorInput;
  const values: Record<string, unknown> = useMemo(
    () => ({ ...formContext?.formData, ...descriptorInput }),
    [formContext?.formData, descriptorInput],
  );
  const domain = typeof values.domain === 'string' ? values.domain : '';

  const servers = useAsync(async () => {
    if (!domain) return [];
    const { items } = await client.listProvisioningServers({
      query: { domain },
    });
    return items;
  }, [client, domain]);

  // Until the user chooses, the domain's first server; '' once they choose none.
  const chosen =
    formData?.server !== undefined
      ? formData.server
      : servers.value?.[0]?.id ?? NONE;
  const missing = missingDataProductFormFields(values);
  const requestJson = useMemo(() => {
    if (!chosen || missing.length > 0) return undefined;
    const contracts = portContractsFromForm(
      String(values.name),
      values.outputPorts,
    );
    if (contracts.length === 0) return undefined;
    return JSON.stringify({
      entity: dataProductFromForm(values as unknown as DataProductFormValues),
      contracts,
      server: chosen,
    });
  }, [values, chosen, missing.length]);

  const [plan, setPlan] = useState<{
    requestJson: string;
    ddl?: string;
    error?: Error;
  }>();
  useEffect(() => {
    if (!requestJson) return undefined;
    let current = true;
    const timer = setTimeout(() => {
      client
        .planProvisioning({ body: JSON.parse(requestJson) })
        .then(result => {
          // Existing tables the contracts would break are refused when the product is created.
          const breaking = result.ports.flatMap(p => p.breaking ?? []);
          if (breaking.length > 0) {
            if (current) {
              setPlan({
                requestJson,
                error: new Error(
                  `the existing tables differ in breaking ways: ${breaking.join(
                    '; ',
                  )}`,
                ),
              });
            }
            return;
          }
          const ddl = result.ports
            .flatMap(p => p.statements)
            .map(s => (s.endsWith(';') ? s : `${s};`))
            .join('\n');
          if (current) setPlan({ requestJson, ddl });
        })
        .catch(error => {
          if (current) setPlan({ requestJson, error });
        });
    }, PLAN_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, requestJson]);

  const planned = plan?.requestJson === requestJson ? plan : undefined;
  const ddl = chosen ? planned?.ddl : undefined;
  // The value follows the choice and its plan, for the review step and the template's steps.
  useEffect(() => {
    const next = chosen ? { server: chosen, ddl: ddl ?? '' } : { server: NONE };
    if (
      (formData?.server ?? NONE) !== (next.server ?? NONE) ||
      (formData?.ddl ?? '') !== (next.ddl ?? '')
    ) {
      onChange(next);
    }
  }, [chosen, ddl, formData?.server, formData?.ddl, onChange]);

  let content;
  if (!domain) {
    content = (
      <Alert severity="info">
        Choose the product's domain to see the data servers it may use.
      </Alert>
    );
  } else if (servers.loading) {
    content = <Progress />;
  } else if (servers.error) {
    content = (
      <Alert severity="error">
        Could not read the data servers of the domain:{' '}
        {errorMessage(servers.error)}
      </Alert>
    );
  } else {
    const options = servers.value ?? [];
    content = (
      <>
        <TextField
          select
          fullWidth
          variant="outlined"
          margin="dense"
          id={`${idSchema?.$id ?? 'output-port-tables'}-server`}
          label="Data server"
          value={chosen}
          onChange={event => onChange({ server: String(event.target.value) })}
          helperText={
            options.length === 0
              ? 'The domain may use no data server (dataMesh.provisioning.servers): the tables are left to the team.'
              : "The tables are created in the domain's schema on this server when the product is created."
          }
        >
          {options.map(server => (
            <MenuItem key={server.id} value={server.id}>
              {server.id} ({server.type}, schema {server.schema})
            </MenuItem>
          ))}
          <MenuItem value={NONE}>None: create no tables</MenuItem>
        </TextField>
        {chosen && missing.length > 0 && (
          <Alert severity="info">
            Fill in the data product's {missing.join(', ')} to see the tables.
          </Alert>
        )}
        {chosen && missing.length === 0 && !requestJson && (
          <Alert severity="info">
            The product has no table or view port with columns: there is no
            table to create.
          </Alert>
        )}
        {requestJson && !planned && <Progress />}
        {planned?.error && (
          <Alert severity="warning">
            The tables cannot be created as the form stands:{' '}
            {errorMessage(planned.error)}
          </Alert>
        )}
        {planned && !planned.error && (
          <Box mt={1}>
            <Typography variant="subtitle2" component="h3">
              {planned.ddl ? 'DDL to run' : 'The tables exist already'}
            </Typography>
            {planned.ddl && (
              <Box
                component="pre"
                aria-label="DDL to run"
                p={1}
                m={0}
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                bgcolor="background.default"
              >
                {planned.ddl}
              </Box>
            )}
          </Box>
        )}
      </>
    );
  }

  return (
    <Box component="section" aria-labelledby={headingId} mb={2}>
      <Typography variant="h6" component="h2" id={headingId}>
        {schema?.title ?? 'Tables of the output ports'}
      </Typography>
      {schema?.description && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {schema.description}
        </Typography>
      )}
      {content}
    </Box>
  );
}
