import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { Field, FieldList, StatusChip, formatValue } from '../shared';
import { collectQualityRules, formatThresholds, serverDetails } from './odcs';
import {
  flattenProperties,
  listOf,
  OdcsContract,
  OdcsSchemaObject,
  OdcsServer,
  OdcsSlaProperty,
} from '@datamesh-portal/plugin-data-mesh-common';
import { SimpleTable } from '../shared';

const text = formatValue;

function Empty(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary">
      {props.children}
    </Typography>
  );
}

/** Name, version, status, domain, data product and description of a contract. */
export function OdcsHeader(props: {
  contract: OdcsContract;
  dataProduct?: ReactNode;
}) {
  const { contract } = props;
  const description = contract.description ?? {};
  return (
    <InfoCard title="Data contract">
      <FieldList>
        <Field label="Name">{text(contract.name)}</Field>
        <Field label="Version">{text(contract.version)}</Field>
        <Field label="Status">
          {contract.status && <StatusChip status={text(contract.status)} />}
        </Field>
        <Field label="Domain">{text(contract.domain)}</Field>
        <Field label="Data product">{props.dataProduct}</Field>
        <Field label="ODCS version">{text(contract.apiVersion)}</Field>
        <Field label="Purpose" wide>
          {text(description.purpose)}
        </Field>
        <Field label="Usage" wide>
          {text(description.usage)}
        </Field>
        <Field label="Limitations" wide>
          {text(description.limitations)}
        </Field>
      </FieldList>
    </InfoCard>
  );
}

function primaryKey(position?: unknown, primary?: unknown) {
  if (!primary) return 'No';
  return typeof position === 'number' && position > 0
    ? `Yes (${position})`
    : 'Yes';
}

function logicalType(property: { logicalType?: unknown; items?: unknown }) {
  const items = property.items as { logicalType?: unknown } | undefined;
  if (property.logicalType === 'array' && items?.logicalType) {
    return `array<${text(items.logicalType)}>`;
  }
  return text(property.logicalType);
}

/** One schema object (table, topic, file...) and its properties, nested ones indented. */
function SchemaObject(props: { object: OdcsSchemaObject }) {
  const { object } = props;
  const name = text(object.name) ?? 'Unnamed object';
  const rows = flattenProperties(object.properties).map(
    ({ property, path, depth }) => ({
      key: path,
      cells: [
        <span style={{ paddingLeft: depth * 24, fontFamily: 'monospace' }}>
          {text(property.name)}
        </span>,
        logicalType(property),
        text(property.physicalType),
        property.required ? 'Yes' : 'No',
        primaryKey(property.primaryKeyPosition, property.primaryKey),
        text(property.classification),
        text(property.description),
      ],
    }),
  );
  return (
    <InfoCard
      title={name}
      subheader={[text(object.physicalType), text(object.description)]
        .filter(Boolean)
        .join(' · ')}
    >
      {rows.length > 0 ? (
        <SimpleTable
          label={`Properties of ${name}`}
          headers={[
            'Property',
            'Logical type',
            'Physical type',
            'Required',
            'Primary key',
            'Classification',
            'Description',
          ]}
          rows={rows}
        />
      ) : (
        <Empty>This object has no properties.</Empty>
      )}
    </InfoCard>
  );
}

/** Every schema object of a contract. */
export function OdcsSchema(props: { contract: OdcsContract }) {
  const objects = listOf<OdcsSchemaObject>(props.contract.schema);
  if (objects.length === 0) {
    return (
      <InfoCard title="Schema">
        <Empty>The contract has no schema.</Empty>
      </InfoCard>
    );
  }
  return (
    <>
      {objects.map((object, index) => (
        <div key={`${text(object.name)}-${index}`} style={{ marginBottom: 24 }}>
          <SchemaObject object={object} />
        </div>
      ))}
    </>
  );
}

/** Quality rules at every level: contract, object and property. */
export function OdcsQuality(props: { contract: OdcsContract }) {
  const rules = collectQualityRules(props.contract);
  return (
    <InfoCard title="Quality rules">
      {rules.length > 0 ? (
        <SimpleTable
          label="Quality rules"
          headers={[
            'Applies to',
            'Check',
            'Threshold',
            'Dimension',
            'Severity',
            'Description',
          ]}
          rows={rules.map(({ appliesTo, rule }, index) => ({
            key: `${appliesTo}-${index}`,
            cells: [
              <span style={{ fontFamily: 'monospace' }}>{appliesTo}</span>,
              <>
                {[text(rule.type), text(rule.metric ?? rule.rule ?? rule.name)]
                  .filter(Boolean)
                  .join(': ')}
                {rule.query !== undefined && (
                  <Typography
                    variant="caption"
                    component="pre"
                    style={{ whiteSpace: 'pre-wrap', margin: 0 }}
                  >
                    {text(rule.query)}
                  </Typography>
                )}
              </>,
              formatThresholds(rule),
              text(rule.dimension),
              text(rule.severity),
              text(rule.description),
            ],
          }))}
        />
      ) : (
        <Empty>The contract has no quality rules.</Empty>
      )}
    </InfoCard>
  );
}

/** Service level agreement properties (frequency, retention, latency...). */
export function OdcsSla(props: { contract: OdcsContract }) {
  const { contract } = props;
  const sla = listOf<OdcsSlaProperty>(contract.slaProperties);
  return (
    <InfoCard
      title="Service levels"
      subheader={
        contract.slaDefaultElement
          ? `Default element: ${text(contract.slaDefaultElement)}`
          : undefined
      }
    >
      {sla.length > 0 ? (
        <SimpleTable
          label="Service levels"
          headers={[
            'Property',
            'Value',
            'Unit',
            'Element',
            'Driver',
            'Description',
          ]}
          rows={sla.map((property, index) => ({
            key: `${text(property.property)}-${index}`,
            cells: [
              text(property.property),
              text(property.value ?? property.valueExt),
              text(property.unit),
              text(property.element),
              text(property.driver),
              text(property.description),
            ],
          }))}
        />
      ) : (
        <Empty>The contract has no service level properties.</Empty>
      )}
    </InfoCard>
  );
}

/** Where the data is served: server, type, environment and connection details. */
export function OdcsServers(props: { contract: OdcsContract }) {
  const servers = listOf<OdcsServer>(props.contract.servers);
  return (
    <InfoCard title="Servers">
      {servers.length > 0 ? (
        <SimpleTable
          label="Servers"
          headers={['Server', 'Type', 'Environment', 'Location', 'Description']}
          rows={servers.map((server, index) => ({
            key: `${text(server.server)}-${index}`,
            cells: [
              text(server.server),
              text(server.type),
              text(server.environment),
              serverDetails(server).map(([key, value]) => (
                <div key={key}>
                  {key}: <code>{text(value)}</code>
                </div>
              )),
              text(server.description),
            ],
          }))}
        />
      ) : (
        <Empty>The contract names no servers.</Empty>
      )}
    </InfoCard>
  );
}
