import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DataMeshApiOperations,
  DataProductEntityV1alpha1,
  listOf,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import { errorMessage, SimpleTable } from '../shared';

type ProvisioningResponse =
  DataMeshApiOperations['planProvisioning']['responses'][200]['content']['application/json'];
type PortPlan = ProvisioningResponse['ports'][number];
type Consumer = NonNullable<PortPlan['consumers']>[number];

/** An output port with its contract, as the Schema tab has them. */
export interface ProvisionedPortContract {
  port: string;
  contractRef?: string;
  /** The contract's definition (ODCS text), when the catalog has its API entity. */
  definition?: unknown;
}

/** A port whose contract names a server its domain provisions on: where its tables are. */
interface ProvisionedPort {
  port: string;
  contractRef?: string;
  definition: string;
  server: string;
}

/** The first of a contract's servers that the domain provisions on, if any. */
function provisionedServer(
  definition: string,
  serverIds: Set<string>,
): string | undefined {
  try {
    const servers = listOf<{ server?: unknown }>(
      readOdcsContract(definition).servers,
    );
    const found = servers.find(
      s => typeof s.server === 'string' && serverIds.has(s.server),
    );
    return found?.server as string | undefined;
  } catch {
    // An unreadable contract: the schema card above says so.
    return undefined;
  }
}

/** Whether the backend refused because the caller is no owner (or may not see the product). */
function notForCaller(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    (error.statusCode === 403 || error.statusCode === 404)
  );
}

function Ddl(props: { label: string; statements: string[] }) {
  return (
    <Box
      component="pre"
      aria-label={props.label}
      p={1}
      m={0}
      style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
      bgcolor="background.default"
    >
      {props.statements.map(s => `${s};`).join('\n')}
    </Box>
  );
}

function ConsumersTable(props: { port: string; consumers: Consumer[] }) {
  const { consumers } = props;
  if (consumers.length === 0) {
    return (
      <Typography variant="body2">
        No consumer of its contract is visible to you.
      </Typography>
    );
  }
  return (
    <SimpleTable
      label={`Consumers the change to ${props.port} would break`}
      headers={['Consumer', 'Relies on it through', 'Owners']}
      rows={consumers.map((consumer, index) => ({
        key: `${consumer.entityRef}-${consumer.agreementId ?? index}`,
        cells: [
          <EntityRefLink entityRef={consumer.entityRef} />,
          consumer.kind === 'input-port' ? (
            `Input port ${consumer.port}`
          ) : (
            <>
              Usage agreement on port {consumer.port}
              {consumer.contractVersion
                ? ` (contract version ${consumer.contractVersion})`
                : ''}
            </>
          ),
          consumer.owners.length > 0 ? (
            <>
              {consumer.owners.map((owner, i) => (
                <span key={owner}>
                  {i > 0 && ', '}
                  <EntityRefLink entityRef={owner} defaultKind="group" />
                </span>
              ))}
            </>
          ) : (
            'Not visible to you'
          ),
        ],
      }))}
    />
  );
}

/** The tables of one port against its contract: up to date, DDL to apply, or refused. */
function PortTables(props: {
  entity: DataProductEntityV1alpha1;
  port: ProvisionedPort;
  plan: PortPlan;
}) {
  const { entity, port, plan } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  const [applied, apply] = useAsyncFn(
    () =>
      dataMeshApi.applyProvisioning({
        entity: { ...entity },
        contracts: [{ port: port.port, definition: port.definition }],
        server: port.server,
      }),
    [dataMeshApi, entity, port],
  );
  const tables = plan.objects.map(o => o.table).join(', ');
  const heading = (
    <Typography variant="subtitle1" component="h4">
      Output port {port.port} on {port.server}
    </Typography>
  );

  let body;
  if (plan.breaking) {
    body = (
      <Alert severity="error" role="alert">
        <AlertTitle>
          Breaking change to {tables}: the contract cannot be applied
        </AlertTitle>
        <ul>
          {plan.breaking.map(reason => (
            <li key={reason}>
              <Typography variant="body2">{reason}</Typography>
            </li>
          ))}
        </ul>
        <Typography variant="body2" paragraph>
          Publish the change as a new major version of the contract (a new port
          or table) instead; these consumers rely on the current one:
        </Typography>
        <ConsumersTable port={port.port} consumers={plan.consumers ?? []} />
      </Alert>
    );
  } else if (applied.value) {
    const ran = applied.value.ports.flatMap(p => p.statements);
    body = (
      <Alert severity="success" role="status">
        <AlertTitle>Applied to {port.server}</AlertTitle>
        {ran.length > 0 ? (
          <Ddl label={`DDL run on ${port.server}`} statements={ran} />
        ) : (
          'Nothing needed to change.'
        )}
      </Alert>
    );
  } else if (plan.statements.length === 0) {
    body = (
      <Typography variant="body2">
        Up to date: {tables || 'the tables'} match the contract.
      </Typography>
    );
  } else {
    const creates = plan.objects.some(o => o.action === 'create');
    body = (
      <>
        <Typography variant="body2" paragraph>
          {creates
            ? 'The contract describes tables the server does not have yet.'
            : 'The tables are behind the contract: it adds optional columns.'}
        </Typography>
        <Ddl
          label={`DDL to run on ${port.server}`}
          statements={plan.statements}
        />
        {applied.error && (
          <Box mt={1}>
            <Alert severity="error" role="alert">
              Not applied: {errorMessage(applied.error)}
            </Alert>
          </Box>
        )}
        <Box mt={1}>
          <Button
            variant="contained"
            color="primary"
            disabled={applied.loading}
            onClick={() => apply()}
          >
            Apply to {port.server}
          </Button>
        </Box>
      </>
    );
  }
  return (
    <Box component="section" mb={2} aria-label={`Tables of ${port.port}`}>
      {heading}
      {body}
    </Box>
  );
}

/**
 * For the owners of a data product: the provisioned tables of each output port whose contract
 * names a server the domain provisions on, against the contract in the catalog. Shows the DDL
 * of a non-breaking change with a button that applies it, or the refusal of a breaking one with
 * the consumers it would break. Renders nothing for anyone else (the plan answers 403), and
 * nothing when no port has such a server.
 */
export function ProvisionedTables(props: {
  entity: DataProductEntityV1alpha1;
  contracts: ProvisionedPortContract[];
}) {
  const { entity, contracts } = props;
  const dataMeshApi = useApi(dataMeshApiRef);
  const domain = entity.spec.domain;
  const definitions = contracts
    .map(
      c => `${c.port}:${typeof c.definition === 'string' ? c.definition : ''}`,
    )
    .join('\n');
  const [refreshed, setRefreshed] = useState(0);

  const planned = useAsync(async () => {
    if (!domain) return undefined;
    const { items } = await dataMeshApi.listProvisioningServers(domain);
    const ids = new Set(items.map(s => s.id));
    const ports: ProvisionedPort[] = contracts.flatMap(c => {
      if (typeof c.definition !== 'string') return [];
      const server = provisionedServer(c.definition, ids);
      return server
        ? [
            {
              port: c.port,
              contractRef: c.contractRef,
              definition: c.definition,
              server,
            },
          ]
        : [];
    });
    // One plan per port: each port's contract may name another server.
    const plans = await Promise.allSettled(
      ports.map(port =>
        dataMeshApi.planProvisioning({
          entity: { ...entity },
          contracts: [{ port: port.port, definition: port.definition }],
          server: port.server,
        }),
      ),
    );
    if (plans.some(p => p.status === 'rejected' && notForCaller(p.reason))) {
      return undefined;
    }
    return ports.map((port, index) => ({ port, result: plans[index] }));
    // The definitions stand for the contracts, which are new objects at every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataMeshApi, domain, entity, definitions, refreshed]);

  // Owners only, and only ports with a provisioning server: nothing for anyone else. (A
  // check again keeps the value it replaces until it is done.)
  if (!planned.value || planned.value.length === 0) return null;
  return (
    <InfoCard
      title="Tables"
      subheader="The provisioned tables of the output ports, against their contracts in the catalog"
      action={
        <Button size="small" onClick={() => setRefreshed(n => n + 1)}>
          Check again
        </Button>
      }
    >
      {planned.value.map(({ port, result }) =>
        result.status === 'fulfilled' ? (
          <PortTables
            // A new check forgets what an earlier apply answered.
            key={`${port.port}-${refreshed}`}
            entity={entity}
            port={port}
            plan={
              result.value.ports.find(p => p.port === port.port) ?? {
                port: port.port,
                objects: [],
                statements: [],
                notes: [],
              }
            }
          />
        ) : (
          <Box
            key={port.port}
            component="section"
            mb={2}
            aria-label={`Tables of ${port.port}`}
          >
            <Typography variant="subtitle1" component="h4">
              Output port {port.port} on {port.server}
            </Typography>
            <Alert severity="warning">
              The tables could not be checked:{' '}
              {errorMessage(result.reason as Error)}
            </Alert>
          </Box>
        ),
      )}
    </InfoCard>
  );
}
