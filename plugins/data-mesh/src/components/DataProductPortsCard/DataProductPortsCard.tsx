import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  DataProductInputPort,
  DataProductOutputPort,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

function PortTable(props: {
  title: string;
  headers: string[];
  children: ReactNode;
}) {
  return (
    <>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      <Table size="small" aria-label={props.title}>
        <TableHead>
          <TableRow>
            {props.headers.map(header => (
              <TableCell key={header}>{header}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>{props.children}</TableBody>
      </Table>
    </>
  );
}

function PortName(props: { port: { name: string; deprecated?: boolean } }) {
  return (
    <>
      {props.port.name}
      {props.port.deprecated && (
        <Chip size="small" label="deprecated" style={{ marginLeft: 8 }} />
      )}
    </>
  );
}

function ContractLink(props: {
  contract?: string;
  product: DataProductEntityV1alpha1;
}) {
  if (!props.contract) return null;
  return (
    <EntityRefLink
      entityRef={parseDataMeshRef(props.contract, 'contract', props.product)}
    />
  );
}

function InputPorts(props: {
  ports: DataProductInputPort[];
  product: DataProductEntityV1alpha1;
}) {
  const { product } = props;
  return (
    <PortTable
      title="Input ports"
      headers={['Name', 'Description', 'Source', 'Contract']}
    >
      {props.ports.map(port => (
        <TableRow key={port.name}>
          <TableCell>
            <PortName port={port} />
          </TableCell>
          <TableCell>{port.description}</TableCell>
          <TableCell>
            {port.dataProduct && (
              <>
                <EntityRefLink
                  entityRef={parseDataMeshRef(
                    port.dataProduct,
                    'dataProduct',
                    product,
                  )}
                />
                {port.outputPort && (
                  <Typography variant="body2" color="textSecondary">
                    port {port.outputPort}
                  </Typography>
                )}
              </>
            )}
          </TableCell>
          <TableCell>
            <ContractLink contract={port.contract} product={product} />
          </TableCell>
        </TableRow>
      ))}
    </PortTable>
  );
}

function OutputPorts(props: {
  ports: DataProductOutputPort[];
  product: DataProductEntityV1alpha1;
}) {
  return (
    <PortTable
      title="Output ports"
      headers={['Name', 'Type', 'Version', 'Description', 'Contract']}
    >
      {props.ports.map(port => (
        <TableRow key={port.name}>
          <TableCell>
            <PortName port={port} />
          </TableCell>
          <TableCell>{port.type}</TableCell>
          <TableCell>{port.version}</TableCell>
          <TableCell>{port.description}</TableCell>
          <TableCell>
            <ContractLink contract={port.contract} product={props.product} />
          </TableCell>
        </TableRow>
      ))}
    </PortTable>
  );
}

/**
 * The ports of a data product: where its data comes from (input ports, linked to upstream
 * products) and how it is served (output ports, linked to their data contracts).
 * @public
 */
export function DataProductPortsCard() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const inputPorts = entity.spec.inputPorts ?? [];
  const outputPorts = entity.spec.outputPorts ?? [];
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
      {inputPorts.length > 0 ? (
        <InputPorts ports={inputPorts} product={entity} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No input ports.
        </Typography>
      )}
      <br />
      {outputPorts.length > 0 ? (
        <OutputPorts ports={outputPorts} product={entity} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No output ports.
        </Typography>
      )}
    </InfoCard>
  );
}
