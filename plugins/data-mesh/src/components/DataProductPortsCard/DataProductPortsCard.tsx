import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  DataProductInputPort,
  DataProductOutputPort,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { RequestAccessButton } from '../Access';
import { SimpleTable } from '../shared';
import { ResolvedContract, usePortContracts } from './usePortContracts';

type Port = DataProductInputPort | DataProductOutputPort;
type Contracts = Map<string, ResolvedContract> | undefined;

function PortName(props: { port: Port }) {
  return (
    <>
      {props.port.name}
      {props.port.deprecated && (
        <Chip size="small" label="deprecated" style={{ marginLeft: 8 }} />
      )}
    </>
  );
}

/** The port's contract: its API entity, else the API found by contract id, else the id. */
function ContractCell(props: {
  port: Port;
  product: DataProductEntityV1alpha1;
  contracts: Contracts;
}) {
  const { port, product, contracts } = props;
  if (port.contract) {
    return (
      <EntityRefLink
        entityRef={parseDataMeshRef(port.contract, 'contract', product)}
      />
    );
  }
  if (!port.contractId) return null;
  const resolved = contracts?.get(port.contractId);
  return resolved ? (
    <EntityRefLink entityRef={resolved.api} />
  ) : (
    <Typography variant="body2" component="code">
      {port.contractId}
    </Typography>
  );
}

function SourceCell(props: {
  port: DataProductInputPort;
  product: DataProductEntityV1alpha1;
  contracts: Contracts;
}) {
  const { port, product, contracts } = props;
  const upstream = port.dataProduct
    ? parseDataMeshRef(port.dataProduct, 'dataProduct', product)
    : port.contractId && contracts?.get(port.contractId)?.provider;
  if (!upstream) return null;
  return (
    <>
      <EntityRefLink entityRef={upstream} />
      {port.outputPort && (
        <Typography variant="body2" color="textSecondary">
          port {port.outputPort}
        </Typography>
      )}
    </>
  );
}

/**
 * The ports of a data product: where its data comes from (input ports, linked to upstream
 * products) and how it is served (output ports, linked to their data contracts), with Request
 * access on each output port for those allowed. Ports that
 * name their contract only by ODCS id are linked through the catalog.
 * @public
 */
export function DataProductPortsCard() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const { value: contracts } = usePortContracts(entity);
  const inputPorts = entity.spec.inputPorts ?? [];
  const outputPorts = entity.spec.outputPorts ?? [];
  const contractCell = (port: Port) => (
    <ContractCell port={port} product={entity} contracts={contracts} />
  );

  if (inputPorts.length === 0 && outputPorts.length === 0) {
    return (
      <InfoCard title="Ports">
        <Typography variant="body2" color="textSecondary">
          This data product has no input or output ports.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Ports">
      <Typography variant="h6" component="h3" gutterBottom>
        Input ports
      </Typography>
      {inputPorts.length > 0 ? (
        <SimpleTable
          label="Input ports"
          headers={['Name', 'Description', 'Source', 'Contract']}
          nowrap={['Name']}
          rows={inputPorts.map(port => ({
            key: port.name,
            cells: [
              <PortName port={port} />,
              port.description,
              <SourceCell port={port} product={entity} contracts={contracts} />,
              contractCell(port),
            ],
          }))}
        />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No input ports.
        </Typography>
      )}
      <br />
      <Typography variant="h6" component="h3" gutterBottom>
        Output ports
      </Typography>
      {outputPorts.length > 0 ? (
        <SimpleTable
          label="Output ports"
          headers={[
            'Name',
            'Type',
            'Version',
            'Description',
            'Contract',
            'Access',
          ]}
          nowrap={['Name', 'Type', 'Version', 'Access']}
          rows={outputPorts.map(port => ({
            key: port.name,
            cells: [
              <PortName port={port} />,
              port.type,
              port.version,
              port.description,
              contractCell(port),
              <RequestAccessButton product={entity} port={port.name} />,
            ],
          }))}
        />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No output ports.
        </Typography>
      )}
    </InfoCard>
  );
}
